#include "storage/import/valuechecks.h"

#include "model/base64.h"

namespace storage {

model::NumberProblem checkNumberText(std::string_view text)
{
    return model::checkNumber(text); // allocation-free in the model layer
}

bool isValidBase64(std::string_view text)
{
    return model::isBase64(text); // allocation-free in the model layer
}

} // namespace storage
