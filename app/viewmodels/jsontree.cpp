#include "app/viewmodels/jsontree.h"

#include <QSet>

namespace jsontree {
namespace {

class Parser
{
public:
    explicit Parser(const QString& text)
        : m_s(text)
    {
    }
    bool run(Node& root)
    {
        skip();
        if (!value(root, 0))
            return false;
        skip();
        return m_i == m_s.size() || fail(QStringLiteral("text after the value"));
    }
    QString error;

private:
    bool fail(const QString& why)
    {
        if (error.isEmpty())
            error = QStringLiteral("%1 at character %2").arg(why).arg(m_i);
        return false;
    }
    void skip()
    {
        while (m_i < m_s.size() && (m_s[m_i] == u' ' || m_s[m_i] == u'\n' || m_s[m_i] == u'\r' || m_s[m_i] == u'\t'))
            ++m_i;
    }
    bool literal(const char* word, Node& node, Node::Kind kind)
    {
        const QString w = QString::fromLatin1(word);
        if (m_s.mid(m_i, w.size()) != w)
            return fail(QStringLiteral("unexpected character"));
        m_i += w.size();
        node.kind = kind;
        node.text = w;
        return true;
    }
    bool string(QString& out)
    {
        ++m_i; // opening quote
        while (m_i < m_s.size()) {
            const QChar c = m_s[m_i++];
            if (c == u'"')
                return true;
            if (c != u'\\') {
                out += c;
                continue;
            }
            if (m_i >= m_s.size())
                break;
            const QChar e = m_s[m_i++];
            switch (e.unicode()) {
            case 'n':
                out += u'\n';
                break;
            case 't':
                out += u'\t';
                break;
            case 'r':
                out += u'\r';
                break;
            case 'b':
                out += u'\b';
                break;
            case 'f':
                out += u'\f';
                break;
            case 'u': {
                bool ok = false;
                const ushort code = m_s.mid(m_i, 4).toUShort(&ok, 16);
                if (!ok || m_i + 4 > m_s.size())
                    return fail(QStringLiteral("bad \\u escape"));
                out += QChar(code);
                m_i += 4;
                break;
            }
            default:
                out += e;
            }
        }
        return fail(QStringLiteral("unterminated string"));
    }
    bool number(Node& node)
    {
        const qsizetype start = m_i;
        while (m_i < m_s.size() && (m_s[m_i].isDigit() || QStringLiteral("+-.eE").contains(m_s[m_i])))
            ++m_i;
        if (m_i == start)
            return fail(QStringLiteral("unexpected character"));
        node.kind = Node::Number;
        node.text = m_s.mid(start, m_i - start);
        return true;
    }
    bool members(Node& node, int depth, bool object)
    {
        node.kind = object ? Node::Object : Node::Array;
        const QChar close = object ? u'}' : u']';
        ++m_i;
        skip();
        if (m_i < m_s.size() && m_s[m_i] == close) {
            ++m_i;
            return true;
        }
        for (;;) {
            Node child;
            if (object) {
                if (m_i >= m_s.size() || m_s[m_i] != u'"')
                    return fail(QStringLiteral("expected a member name"));
                if (!string(child.name))
                    return false;
                skip();
                if (m_i >= m_s.size() || m_s[m_i] != u':')
                    return fail(QStringLiteral("expected ':'"));
                ++m_i;
                skip();
            } else {
                child.name = QStringLiteral("[%1]").arg(node.children.size());
            }
            if (!value(child, depth + 1))
                return false;
            node.children.push_back(std::move(child));
            skip();
            if (m_i < m_s.size() && m_s[m_i] == u',') {
                ++m_i;
                skip();
                continue;
            }
            if (m_i < m_s.size() && m_s[m_i] == close) {
                ++m_i;
                return true;
            }
            return fail(object ? QStringLiteral("expected ',' or '}'") : QStringLiteral("expected ',' or ']'"));
        }
    }
    bool value(Node& node, int depth)
    {
        if (depth > 256)
            return fail(QStringLiteral("nested too deeply"));
        if (m_i >= m_s.size())
            return fail(QStringLiteral("unexpected end"));
        switch (m_s[m_i].unicode()) {
        case '{':
            return members(node, depth, true);
        case '[':
            return members(node, depth, false);
        case '"':
            node.kind = Node::String;
            return string(node.text);
        case 't':
            return literal("true", node, Node::Bool);
        case 'f':
            return literal("false", node, Node::Bool);
        case 'n':
            return literal("null", node, Node::Null);
        default:
            return number(node);
        }
    }

    const QString& m_s;
    qsizetype m_i = 0;
};

const QSet<QString>& typeTags()
{
    static const QSet<QString> tags{
        QStringLiteral("S"), QStringLiteral("N"), QStringLiteral("B"),  QStringLiteral("BOOL"), QStringLiteral("NULL"),
        QStringLiteral("M"), QStringLiteral("L"), QStringLiteral("SS"), QStringLiteral("NS"),   QStringLiteral("BS")};
    return tags;
}

/// `node` is a DynamoDB attribute value: take the tag's value in its place (maps and lists recursively).
void typeValue(Node& node)
{
    if (node.kind != Node::Object || node.children.size() != 1 || !typeTags().contains(node.children[0].name))
        return;
    Node inner = std::move(node.children[0]);
    node.dynamoType = inner.name;
    node.kind = inner.kind;
    node.text = inner.text;
    node.children = std::move(inner.children);
    if (node.dynamoType == QLatin1String("M")) {
        for (Node& child : node.children)
            typeValue(child);
    } else if (node.dynamoType == QLatin1String("L")) {
        for (Node& child : node.children)
            typeValue(child);
    }
}
} // namespace

bool parse(const QString& json, Node& root, QString* error)
{
    Parser parser(json);
    root = Node{};
    if (parser.run(root))
        return true;
    if (error)
        *error = parser.error;
    return false;
}

void markDynamoAttributes(Node& root)
{
    for (Node& child : root.children) {
        if (child.kind == Node::Object
            && (child.name == QLatin1String("Keys") || child.name == QLatin1String("NewImage")
                || child.name == QLatin1String("OldImage"))) {
            for (Node& attribute : child.children)
                typeValue(attribute);
            continue;
        }
        markDynamoAttributes(child);
    }
}

} // namespace jsontree
