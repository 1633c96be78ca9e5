#include "app/widgets/preferences.h"

#include <QCheckBox>
#include <QComboBox>
#include <QCryptographicHash>
#include <QFileInfo>
#include <QHeaderView>
#include <QLineEdit>
#include <QSettings>
#include <QTableView>
#include <QTimer>
#include <QTreeView>

#include "app/viewmodels/storesession.h"
#include "app/widgets/diffpanel.h"
#include "app/widgets/eventspanel.h"
#include "app/widgets/findingspanel.h"
#include "app/widgets/keyspanel.h"
#include "app/widgets/mainwindow.h"
#include "app/widgets/storeviewstate.h"
#include "app/widgets/timelinepanel.h"

namespace {
const QString kView = QStringLiteral("view/");
const QString kColumns = QStringLiteral("columns/");
const char* const kEventTypes[] = {"INSERT", "MODIFY", "REMOVE", "SNAPSHOT"};

QCheckBox* checkBox(QWidget* parent, const QString& text)
{
    for (QCheckBox* box : parent->findChildren<QCheckBox*>())
        if (box->text() == text)
            return box;
    return nullptr;
}

QString fromStd(const std::string& text)
{
    return QString::fromStdString(text);
}

/// An optional time as a setting: absent -> invalid QVariant.
QVariant timeValue(const std::optional<std::int64_t>& micros)
{
    return micros ? QVariant(static_cast<qlonglong>(*micros)) : QVariant();
}

std::optional<std::int64_t> timeFrom(const QVariant& value)
{
    bool ok = false;
    const qlonglong micros = value.toLongLong(&ok);
    return value.isValid() && ok ? std::optional<std::int64_t>(micros) : std::nullopt;
}
} // namespace

Preferences::Preferences(MainWindow* window)
    : QObject(window)
    , m_window(window)
    , m_columnsTimer(new QTimer(this))
{
    watchToggle(checkBox(window->diffPanel(), tr("Changes only")), QStringLiteral("changesOnly"));
    watchToggle(checkBox(window->diffPanel(), tr("DynamoDB JSON")), QStringLiteral("dynamoJson"));
    watchHeader(window->keysPanel()->keyView()->horizontalHeader(), QStringLiteral("keys"));
    watchHeader(window->eventsPanel()->view()->horizontalHeader(), QStringLiteral("events"));
    watchHeader(window->timelinePanel()->view()->horizontalHeader(), QStringLiteral("timeline"));
    watchHeader(window->diffPanel()->view()->header(), QStringLiteral("diff"));
    watchHeader(window->auditPanel()->view()->horizontalHeader(), QStringLiteral("audit"));
    restoreColumns();
    m_columnsTimer->setSingleShot(true);
    m_columnsTimer->setInterval(300);
    connect(m_columnsTimer, &QTimer::timeout, this, &Preferences::saveColumns);

    StoreSession* session = window->session();
    connect(session, &StoreSession::opened, this, [this]() { m_restoring = true; });
    // The overview lists the tables the saved filters name: apply them then (once per opening).
    // Then what the store showed comes back once the lists with those filters have arrived.
    auto* viewState = new StoreViewState(window);
    connect(session, &StoreSession::overviewReady, this, [this, viewState]() {
        if (m_restoring) {
            m_restoring = false;
            applySavedFilters();
            viewState->restoreWhenListed();
        }
    });
    connect(session, &StoreSession::keysReady, this, &Preferences::saveFilters);
    connect(session, &StoreSession::eventsReady, this, &Preferences::saveFilters);
}

void Preferences::watchToggle(QCheckBox* box, const QString& key)
{
    if (!box)
        return;
    QSettings settings;
    const QVariant saved = settings.value(kView + key);
    if (saved.isValid())
        box->setChecked(saved.toBool());
    connect(box, &QCheckBox::toggled, this, [key](bool on) { QSettings().setValue(kView + key, on); });
}

void Preferences::watchHeader(QHeaderView* header, const QString& key)
{
    m_headers.insert(header, key);
    connect(header, &QHeaderView::sectionResized, this, [this](int, int, int newSize) {
        if (newSize > 0)
            m_columnsTimer->start();
    });
}

/// Widths of the columns the user sizes (Interactive ones); stretched and fitted columns follow the window.
void Preferences::restoreColumns()
{
    QSettings settings;
    for (auto it = m_headers.cbegin(); it != m_headers.cend(); ++it) {
        QHeaderView* header = it.key();
        const QVariantList widths = settings.value(kColumns + it.value()).toList();
        for (int c = 0; c < std::min<int>(header->count(), static_cast<int>(widths.size())); ++c) {
            const int width = widths[c].toInt();
            if (width > 0 && header->sectionResizeMode(c) == QHeaderView::Interactive)
                header->resizeSection(c, width);
        }
    }
}

void Preferences::saveColumns()
{
    QSettings settings;
    for (auto it = m_headers.cbegin(); it != m_headers.cend(); ++it) {
        QHeaderView* header = it.key();
        QVariantList widths;
        for (int c = 0; c < header->count(); ++c)
            widths << (header->sectionResizeMode(c) == QHeaderView::Interactive && !header->isSectionHidden(c)
                           ? header->sectionSize(c)
                           : 0);
        settings.setValue(kColumns + it.value(), widths);
    }
}

QString Preferences::storeGroup(const QString& storePath)
{
    const QByteArray path = QFileInfo(storePath).absoluteFilePath().toUtf8();
    return QStringLiteral("storeFilters/")
        + QString::fromLatin1(QCryptographicHash::hash(path, QCryptographicHash::Sha1).toHex());
}

KeyFilter Preferences::savedKeyFilter(const QString& storePath)
{
    QSettings settings;
    settings.beginGroup(storeGroup(storePath));
    KeyFilter f;
    f.table = settings.value(QStringLiteral("keyTable")).toString().toStdString();
    f.text = settings.value(QStringLiteral("keyText")).toString().toStdString();
    f.sort = KeySort(std::clamp(settings.value(QStringLiteral("keySort"), 0).toInt(), 0, 2));
    f.descending = settings.value(QStringLiteral("keyDescending"), false).toBool();
    return f;
}

EventFilter Preferences::savedEventFilter(const QString& storePath)
{
    QSettings settings;
    settings.beginGroup(storeGroup(storePath));
    EventFilter f;
    f.table = settings.value(QStringLiteral("eventTable")).toString().toStdString();
    f.eventMask = settings.value(QStringLiteral("eventMask"), 0xF).toUInt() & 0xFu;
    f.fromMicros = timeFrom(settings.value(QStringLiteral("from")));
    f.toMicros = timeFrom(settings.value(QStringLiteral("to")));
    f.text = settings.value(QStringLiteral("eventText")).toString().toStdString();
    f.textInRaw = settings.value(QStringLiteral("textInRaw"), false).toBool();
    f.sort = EventSort(std::clamp(settings.value(QStringLiteral("eventSort"), 0).toInt(), 0, 2));
    f.descending = settings.value(QStringLiteral("eventDescending"), false).toBool();
    return f;
}

void Preferences::saveFilters()
{
    StoreSession* session = m_window->session();
    if (m_restoring || !session->isOpen())
        return;
    const KeyFilter& k = session->keyFilter();
    const EventFilter& e = session->eventFilter();
    QSettings settings;
    settings.beginGroup(storeGroup(session->path()));
    settings.setValue(QStringLiteral("path"), QFileInfo(session->path()).absoluteFilePath());
    settings.setValue(QStringLiteral("keyTable"), fromStd(k.table));
    settings.setValue(QStringLiteral("keyText"), fromStd(k.text));
    settings.setValue(QStringLiteral("keySort"), int(k.sort));
    settings.setValue(QStringLiteral("keyDescending"), k.descending);
    settings.setValue(QStringLiteral("eventTable"), fromStd(e.table));
    settings.setValue(QStringLiteral("eventMask"), e.eventMask);
    settings.setValue(QStringLiteral("from"), timeValue(e.fromMicros));
    settings.setValue(QStringLiteral("to"), timeValue(e.toMicros));
    settings.setValue(QStringLiteral("eventText"), fromStd(e.text));
    settings.setValue(QStringLiteral("textInRaw"), e.textInRaw);
    settings.setValue(QStringLiteral("eventSort"), int(e.sort));
    settings.setValue(QStringLiteral("eventDescending"), e.descending);
}

/// Puts the store's saved filters into the panels' fields (which apply them as if typed).
void Preferences::applySavedFilters()
{
    StoreSession* session = m_window->session();
    const KeyFilter keys = savedKeyFilter(session->path());
    const EventFilter events = savedEventFilter(session->path());
    KeysPanel* keysPanel = m_window->keysPanel();
    auto* tables = session->tableModel();
    for (int r = 1; r < tables->rowCount() && !keys.table.empty(); ++r)
        if (tables->tableAt(r) == fromStd(keys.table))
            keysPanel->tableView()->setCurrentIndex(tables->index(r, 0));
    keysPanel->filterEdit()->setText(fromStd(keys.text));
    if (keys.sort != KeySort::Key || keys.descending)
        keysPanel->keyView()->horizontalHeader()->setSortIndicator(
            int(keys.sort), keys.descending ? Qt::DescendingOrder : Qt::AscendingOrder);

    EventsPanel* eventsPanel = m_window->eventsPanel();
    const int table = eventsPanel->tableBox()->findData(fromStd(events.table));
    if (!events.table.empty() && table >= 0)
        eventsPanel->tableBox()->setCurrentIndex(table);
    for (int i = 0; i < 4; ++i)
        if (QCheckBox* box = checkBox(eventsPanel, QString::fromLatin1(kEventTypes[i])))
            box->setChecked((events.eventMask & (1u << i)) != 0);
    eventsPanel->rawSearchBox()->setChecked(events.textInRaw);
    eventsPanel->textEdit()->setText(fromStd(events.text));
    if (events.fromMicros || events.toMicros)
        eventsPanel->setTimeRange(events.fromMicros, events.toMicros);
    if (events.sort != EventSort::Arrival) {
        const int column =
            events.sort == EventSort::Time ? EventTableModel::TimeColumn : EventTableModel::SequenceColumn;
        eventsPanel->view()->horizontalHeader()->setSortIndicator(
            column, events.descending ? Qt::DescendingOrder : Qt::AscendingOrder);
    }
    // The texts apply now, not after the typing pause: the lists that arrive next are the store's filtered ones.
    keysPanel->applyFilterNow();
    eventsPanel->applyFilterNow();
}
