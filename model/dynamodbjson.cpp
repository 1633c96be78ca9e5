#include "model/dynamodbjson.h"
