#include "model/decimal.h"
