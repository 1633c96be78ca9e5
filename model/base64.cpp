#include "model/base64.h"
