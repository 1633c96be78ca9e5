#pragma once

// The AWS-validated event-pattern cases of ../shared/filter-patterns (see its README), read the same way by
// tst_eventpattern and tst_criteriaevaluator.

#include <QFile>
#include <QString>
#include <optional>
#include <string>
#include <string_view>

#include "model/jsontree.h"
#include "testsupport.h"

namespace filtercases {

/// The folder holding the eventbridge/ and esm-dynamodb/ cases.
inline QString filterPatternsDir()
{
    return testsupport::sharedDir() + QStringLiteral("/filter-patterns");
}

/// One case file parsed; nullopt when it cannot be read or parsed.
inline std::optional<model::JsonTree> readCase(const QString& path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return std::nullopt;
    const QByteArray bytes = file.readAll();
    return model::JsonTree::parse(std::string_view(bytes.constData(), static_cast<std::size_t>(bytes.size())));
}

/// The pattern text of a case: "patternText" as AWS received it, else "pattern" written back with number texts.
inline std::string patternOf(const model::JsonTree& c)
{
    if (const model::JsonTree* t = c.member("patternText"))
        return t->text;
    return c.member("pattern")->compact(std::string::npos - 1);
}

} // namespace filtercases
