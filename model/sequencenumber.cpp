#include "model/sequencenumber.h"
