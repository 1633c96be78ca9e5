#include "model/streamrecord.h"
