#include "model/attributevalue.h"
