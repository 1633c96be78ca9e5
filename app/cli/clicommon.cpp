#include "app/cli/clicommon.h"

#include <cstdint>
#include <cstdio>
#include <utility>

#include "app/cli/exitcodes.h"

namespace cli {

QTextStream& out()
{
    static QTextStream s(stdout);
    return s;
}

QTextStream& err()
{
    static QTextStream s(stderr);
    return s;
}

namespace {

/// The code point of the UTF-8 sequence at text[i] and its length; length 0 when the bytes there are not UTF-8
/// (truncated, overlong, a surrogate, beyond U+10FFFF).
std::pair<char32_t, std::size_t> decodeUtf8(std::string_view text, std::size_t i)
{
    const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
    const unsigned char lead = byte(i);
    if (lead < 0x80)
        return {lead, 1};
    std::size_t length = 0;
    char32_t cp = 0;
    char32_t minimum = 0;
    if ((lead & 0xe0) == 0xc0) {
        length = 2;
        cp = lead & 0x1fu;
        minimum = 0x80;
    } else if ((lead & 0xf0) == 0xe0) {
        length = 3;
        cp = lead & 0x0fu;
        minimum = 0x800;
    } else if ((lead & 0xf8) == 0xf0) {
        length = 4;
        cp = lead & 0x07u;
        minimum = 0x10000;
    } else {
        return {0, 0};
    }
    if (i + length > text.size())
        return {0, 0};
    for (std::size_t k = 1; k < length; ++k) {
        if ((byte(i + k) & 0xc0) != 0x80)
            return {0, 0};
        cp = (cp << 6) | (byte(i + k) & 0x3fu);
    }
    if (cp < minimum || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return {0, 0};
    return {cp, length};
}

bool needsEscape(char32_t cp)
{
    return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || cp == 0x061c || cp == 0x200e || cp == 0x200f
        || (cp >= 0x2028 && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
}

void appendHex(std::string& out, std::uint32_t value, int digits)
{
    static constexpr char kHex[] = "0123456789abcdef";
    for (int shift = 4 * (digits - 1); shift >= 0; shift -= 4)
        out += kHex[(value >> shift) & 0xfu];
}

} // namespace

std::string terminalSafe(std::string_view text)
{
    std::string safe;
    safe.reserve(text.size());
    for (std::size_t i = 0; i < text.size();) {
        const auto [cp, length] = decodeUtf8(text, i);
        if (length == 0) { // not UTF-8: the byte itself
            safe += "\\x";
            appendHex(safe, static_cast<unsigned char>(text[i]), 2);
            ++i;
            continue;
        }
        if (!needsEscape(cp)) {
            safe.append(text.substr(i, length));
        } else if (cp == '\n') {
            safe += "\\n";
        } else if (cp == '\r') {
            safe += "\\r";
        } else if (cp == '\t') {
            safe += "\\t";
        } else if (cp < 0x80) {
            safe += "\\x";
            appendHex(safe, static_cast<std::uint32_t>(cp), 2);
        } else {
            safe += "\\u";
            appendHex(safe, static_cast<std::uint32_t>(cp), 4);
        }
        i += length;
    }
    return safe;
}

bool isUtf8(std::string_view text)
{
    for (std::size_t i = 0; i < text.size();) {
        const std::size_t length = decodeUtf8(text, i).second;
        if (length == 0)
            return false;
        i += length;
    }
    return true;
}

void addPathBytes(QJsonObject& object, std::string_view path)
{
    if (isUtf8(path))
        return;
    object.insert(QStringLiteral("pathNotUtf8"), true);
    object.insert(QStringLiteral("pathBase64"),
                  QString::fromLatin1(QByteArray(path.data(), static_cast<qsizetype>(path.size())).toBase64()));
}

QStringList argumentsFromArgv(int argc, char** argv)
{
    QStringList arguments;
    for (int a = 0; a < argc; ++a) {
        const std::string_view bytes(argv[a]);
        QString argument;
        std::size_t begin = 0; // of the valid UTF-8 run not appended yet
        const auto appendRun = [&](std::size_t end) {
            argument += QString::fromUtf8(bytes.data() + begin, static_cast<qsizetype>(end - begin));
        };
        for (std::size_t i = 0; i < bytes.size();) {
            const std::size_t length = decodeUtf8(bytes, i).second;
            if (length > 0) {
                i += length;
                continue;
            }
            appendRun(i);
            argument += QChar(static_cast<char16_t>(0xdc00 + static_cast<unsigned char>(bytes[i])));
            begin = ++i;
        }
        appendRun(bytes.size());
        arguments.push_back(argument);
    }
    return arguments;
}

std::string argumentBytes(const QString& argument)
{
    std::string bytes;
    qsizetype begin = 0; // of the run not converted yet
    const auto appendRun = [&](qsizetype end) {
        bytes += QStringView(argument).mid(begin, end - begin).toUtf8().toStdString();
    };
    for (qsizetype i = 0; i < argument.size(); ++i) {
        const char16_t c = argument.at(i).unicode();
        if (QChar::isHighSurrogate(c) && i + 1 < argument.size() && argument.at(i + 1).isLowSurrogate()) {
            ++i; // a pair: an ordinary character
            continue;
        }
        if (c >= 0xdc80 && c <= 0xdcff) { // an escaped byte (argumentsFromArgv)
            appendRun(i);
            bytes += static_cast<char>(c - 0xdc00);
            begin = i + 1;
        }
    }
    appendRun(argument.size());
    return bytes;
}

QString shown(std::string_view text)
{
    const std::string safe = terminalSafe(text);
    return QString::fromUtf8(safe.data(), static_cast<qsizetype>(safe.size()));
}

int usageError(const QString& command, const QString& message)
{
    out().flush();
    err() << "streamscope " << command << ": " << message << "\n"
          << "Try 'streamscope " << command << " --help'.\n";
    err().flush();
    return ExitUsage;
}

void setupParser(QCommandLineParser& parser, const QString& command, const QString& description)
{
    parser.setApplicationDescription(description);
    parser.addHelpOption();
    parser.addPositionalArgument(command, QStringLiteral("The command (%1).").arg(command), command);
}

bool parseOrExit(QCommandLineParser& parser, const QStringList& arguments, const QString& command, int& exitCode)
{
    if (!parser.parse(arguments)) {
        exitCode = usageError(command, parser.errorText());
        return false;
    }
    if (parser.isSet(QStringLiteral("help"))) {
        out() << parser.helpText();
        out().flush();
        exitCode = ExitOk;
        return false;
    }
    return true;
}

} // namespace cli
