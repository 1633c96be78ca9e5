#include "app/widgets/diffpanel.h"

#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QEvent>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QResizeEvent>
#include <QTextDocumentFragment>
#include <QTreeView>
#include <QVBoxLayout>

#include "app/viewmodels/attributediffmodel.h"
#include "app/viewmodels/formatting.h"
#include "app/viewmodels/storesession.h"
#include "app/widgets/eventstyle.h"

DiffPanel::DiffPanel(StoreSession* session, QWidget* parent)
    : QWidget(parent)
    , m_session(session)
    , m_model(new AttributeDiffModel(this))
    , m_title(new QLabel(this))
    , m_summary(new QLabel(this))
    , m_changesOnly(new QCheckBox(tr("Changes only"), this))
    , m_dynamoJson(new QCheckBox(tr("DynamoDB JSON"), this))
    , m_view(new QTreeView(this))
{
    m_title->setObjectName(QStringLiteral("diffTitle"));
    m_title->setTextFormat(Qt::RichText);
    // In a narrow window the title wraps instead of being cut (the row grows a line); the tooltip holds it whole.
    m_title->setWordWrap(true);
    m_title->setMinimumWidth(m_title->fontMetrics().horizontalAdvance(QStringLiteral("Version #0000 MODIFY")));
    m_summary->setTextFormat(Qt::RichText);
    m_changesOnly->setToolTip(tr("Hide attributes that did not change"));
    m_dynamoJson->setToolTip(tr("Show values as DynamoDB JSON ({\"S\": …}) instead of plain JSON"));
    auto* copy = new QPushButton(QIcon(QStringLiteral(":/icons/copy.svg")), tr("Copy JSON"), this);
    m_copy = copy;
    copy->setToolTip(tr("Copy the selected value, or the whole image, as JSON (Ctrl+C)"));

    m_view->setModel(m_model);
    m_view->setItemDelegate(new ChangeDelegate(m_view));
    m_view->setUniformRowHeights(true);
    m_view->setAlternatingRowColors(false);
    m_view->setSelectionBehavior(QAbstractItemView::SelectItems);
    m_view->header()->setSectionResizeMode(QHeaderView::Interactive);
    m_view->header()->setStretchLastSection(true);
    m_view->setColumnWidth(0, 220);
    m_view->setColumnWidth(1, 320);
    // Two attribute rows at least (the style's default minimum is taller): the window's 700 px are shared with the
    // events table and the bottom docks.
    m_view->setMinimumHeight(m_view->header()->sizeHint().height() + 2 * (m_view->fontMetrics().height() + 4)
                             + 2 * m_view->frameWidth());

    auto* copyAction = new QAction(this);
    copyAction->setShortcut(QKeySequence::Copy);
    copyAction->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    addAction(copyAction);
    connect(copyAction, &QAction::triggered, this, &DiffPanel::copySelection);
    connect(copy, &QPushButton::clicked, this, &DiffPanel::copySelection);

    auto* tools = new QHBoxLayout;
    tools->addWidget(m_title, 1);
    tools->addWidget(m_summary);
    tools->addSpacing(12);
    tools->addWidget(m_changesOnly);
    tools->addWidget(m_dynamoJson);
    tools->addWidget(copy);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->setSpacing(2); // the window's height is shared with a bottom dock at 1024x700
    layout->addLayout(tools);
    layout->addWidget(m_view, 1);

    connect(m_changesOnly, &QCheckBox::toggled, this, [this](bool on) {
        m_model->setChangesOnly(on);
        m_view->expandAll();
    });
    connect(m_dynamoJson, &QCheckBox::toggled, this, [this](bool on) { m_model->setPlainJson(!on); });
    connect(m_model, &QAbstractItemModel::modelReset, this, [this]() {
        // Expand changed branches; leave unchanged containers collapsed (they are noise).
        std::function<void(const QModelIndex&)> expand = [&](const QModelIndex& under) {
            for (int r = 0; r < m_model->rowCount(under); ++r) {
                const QModelIndex idx = m_model->index(r, 0, under);
                const auto* node = m_model->nodeAt(idx);
                if (node->change != DiffNode::Change::Unchanged && m_model->rowCount(idx) > 0
                    && m_model->rowCount(idx) <= 200) {
                    m_view->expand(idx);
                    expand(idx);
                }
            }
        };
        expand({});
    });
    connect(session, &StoreSession::closed, this, &DiffPanel::clear);
    clear();
}

void DiffPanel::changeEvent(QEvent* event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::PaletteChange && m_afterRow >= 0) { // text colours derive from the palette
        updateTitle();
        updateSummary();
    }
}

void DiffPanel::clear()
{
    m_afterRow = -1;
    m_afterRecord = 0;
    m_model->setImages(std::nullopt, std::nullopt);
    setTitle(tr("<i>Select a version to see what changed</i>"));
    m_summary->clear();
    m_summaryWords.clear();
}

void DiffPanel::showComparison(int beforeRow, int afterRow)
{
    // The images of the (at most two) versions compared are read now, not held by the timeline.
    const auto* timeline = m_session->timelineModel();
    const VersionRow* afterRead = timeline->versionAt(afterRow);
    const auto afterImages = afterRead ? timeline->images(afterRow) : nullptr;
    if (!afterRead || !afterImages) {
        clear();
        return;
    }
    const VersionRow after = *afterRead; // a copy: reading other pages below may drop that page from the cache
    // The state a version leaves: its NewImage, nothing after a REMOVE.
    const auto stateOf = [timeline](int row) -> std::optional<model::Item> {
        const VersionRow* v = timeline->versionAt(row);
        if (!v || v->eventName == model::EventName::Remove)
            return std::nullopt;
        const auto images = timeline->images(row);
        return images ? images->newImage : std::nullopt;
    };
    const auto afterImage =
        after.eventName == model::EventName::Remove ? std::optional<model::Item>{} : afterImages->newImage;
    std::optional<model::Item> beforeImage;
    QString beforeLabel;
    if (beforeRow >= 0) {
        if (timeline->versionAt(beforeRow)) {
            beforeImage = stateOf(beforeRow);
            beforeLabel = tr("#%1").arg(beforeRow + 1);
        }
    } else if (afterImages->oldImage) {
        beforeImage = afterImages->oldImage;
        beforeLabel = tr("its OldImage");
    } else if (timeline->versionAt(afterRow - 1)) {
        beforeImage = stateOf(afterRow - 1);
        beforeLabel = tr("#%1").arg(afterRow);
    } else {
        beforeLabel = tr("nothing (first version)");
    }
    m_model->setImages(beforeImage, afterImage);
    m_beforeLabel = beforeLabel;
    m_afterRow = afterRow;
    m_afterRecord = after.recordId;
    updateTitle();
    updateSummary();
    // An image the record does not carry is unknown, not empty: say so and why instead of "+0 added".
    const bool afterUnknown = after.eventName != model::EventName::Remove && !afterImages->newImage;
    if (afterUnknown) {
        m_summaryWords.clear();
        m_summary->setText(unknownImageText(after));
        m_title->setText(m_fullTitle);
    }
}

QString DiffPanel::unknownImageText(const VersionRow& version)
{
    switch (version.viewType) {
    case model::ViewType::KeysOnly:
        return tr("<b>State unknown:</b> the stream's view type is KEYS_ONLY — its records carry the keys and the "
                  "event type only, no item images, so nothing can be compared.");
    case model::ViewType::OldImage:
        return tr("<b>State unknown:</b> the stream's view type is OLD_IMAGE — a record carries the item as it was "
                  "<i>before</i> the change; the state after it shows as the next record's OldImage (the last "
                  "version's state stays unknown).");
    case model::ViewType::NewImage:
    case model::ViewType::NewAndOldImages:
        return tr("<b>State unknown:</b> this record has no NewImage although its stream delivers one (%1): the "
                  "capture lost it.")
            .arg(QString::fromLatin1(model::viewTypeText(version.viewType).data(),
                                     static_cast<int>(model::viewTypeText(version.viewType).size())));
    case model::ViewType::Unknown:
    default:
        return tr("<b>State unknown:</b> the record carries no NewImage and no StreamViewType saying why (a capture "
                  "without images, e.g. KEYS_ONLY).");
    }
}

void DiffPanel::updateTitle()
{
    const VersionRow* after = m_session->timelineModel()->versionAt(m_afterRow);
    if (!after)
        return;
    const QColor c = eventstyle::readableOn(eventstyle::eventColor(int(after->eventName), after->ttl),
                                            palette().color(QPalette::Window));
    // The short form (no "Version", "vs" for "compared with") where the long one would wrap (fitSummary).
    m_shortTitle = tr("<b>#%1</b> <b style=\"color:%2\">%3</b> vs %4")
                       .arg(m_afterRow + 1)
                       .arg(c.name(), formatting::eventText(after->eventName, after->ttl), m_beforeLabel);
    setTitle(tr("Version <b>#%1</b> <b style=\"color:%2\">%3</b> compared with %4")
                 .arg(m_afterRow + 1)
                 .arg(c.name(), formatting::eventText(after->eventName, after->ttl), m_beforeLabel));
}

void DiffPanel::setTitle(const QString& html)
{
    if (!html.contains(QLatin1String("Version <b>")))
        m_shortTitle.clear();
    m_fullTitle = html;
    m_title->setText(html);
    m_title->setToolTip(QTextDocumentFragment::fromHtml(html).toPlainText());
    fitSummary();
}

void DiffPanel::updateSummary()
{
    // Label text sits on the window colour, not the view's base.
    const QColor window = palette().color(QPalette::Window);
    const auto span = [&window](int change, const QString& text) {
        return QStringLiteral("<span style=\"color:%1\"><b>%2</b></span>")
            .arg(eventstyle::readableOn(eventstyle::changeColor(change), window).name(), text);
    };
    m_summaryWords = span(1, tr("+%1 added").arg(m_model->addedCount())) + QStringLiteral("&nbsp;&nbsp;")
        + span(2, tr("−%1 removed").arg(m_model->removedCount())) + QStringLiteral("&nbsp;&nbsp;")
        + span(3, tr("~%1 changed").arg(m_model->changedCount()));
    m_summaryCounts = span(1, QStringLiteral("+%1").arg(m_model->addedCount())) + QStringLiteral("&nbsp;")
        + span(2, QStringLiteral("−%1").arg(m_model->removedCount())) + QStringLiteral("&nbsp;")
        + span(3, QStringLiteral("~%1").arg(m_model->changedCount()));
    m_summary->setToolTip(tr("%1 added, %2 removed, %3 changed")
                              .arg(m_model->addedCount())
                              .arg(m_model->removedCount())
                              .arg(m_model->changedCount()));
    fitSummary();
}

void DiffPanel::fitSummary()
{
    if (m_summaryWords.isEmpty())
        return;
    QFont bold = font();
    bold.setBold(true);
    const QFontMetrics fm(bold);
    const int others = m_changesOnly->sizeHint().width() + m_dynamoJson->sizeHint().width() + m_copy->sizeHint().width()
        + 12 + 6 * style()->layoutSpacing(QSizePolicy::CheckBox, QSizePolicy::CheckBox, Qt::Horizontal) + 8;
    const int words = fm.horizontalAdvance(QTextDocumentFragment::fromHtml(m_summaryWords).toPlainText());
    const int title = fm.horizontalAdvance(m_title->toolTip());
    const int counts = fm.horizontalAdvance(QTextDocumentFragment::fromHtml(m_summaryCounts).toPlainText());
    m_summary->setText(title + words + others <= width() ? m_summaryWords : m_summaryCounts);
    const bool shortTitle = !m_shortTitle.isEmpty() && title + counts + others > width();
    m_title->setText(shortTitle ? m_shortTitle : m_fullTitle);
}

void DiffPanel::resizeEvent(QResizeEvent* event)
{
    QWidget::resizeEvent(event);
    fitSummary();
}

QString DiffPanel::summaryText() const
{
    return m_summaryWords.isEmpty() ? m_summary->text() : m_summaryWords;
}

QString DiffPanel::copySelection()
{
    const QModelIndex index = m_view->currentIndex();
    QString text;
    if (index.isValid())
        text = m_model->valueJson(index, m_model->sideForColumn(index));
    if (text.isEmpty())
        text = m_model->imageJson(AttributeDiffModel::Side::After);
    if (text.isEmpty())
        text = m_model->imageJson(AttributeDiffModel::Side::Before);
    if (!text.isEmpty()) {
        QApplication::clipboard()->setText(text);
        Q_EMIT copied(index.isValid() ? tr("Copied the value as JSON") : tr("Copied the image as JSON"));
    }
    return text;
}
