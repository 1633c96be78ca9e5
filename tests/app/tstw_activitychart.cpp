// Issue 19 defect 13: the activity chart has a tooltip with count and time per bar, one axis caption with a bin
// width in words, a selection band that shows on dense data, and zooms into a range and back.

#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>
#include <memory>

#include "app/viewmodels/formatting.h"
#include "app/viewmodels/importjob.h"
#include "app/viewmodels/storesession.h"
#include "app/widgets/activitychart.h"
#include "testsupport.h"

namespace {
QString sampleStore(const QTemporaryDir& dir)
{
    const QString store = dir.filePath(QStringLiteral("sample.streamscope"));
    const QString sample = testsupport::sourceDir() + QStringLiteral("/resources/samples/orders-capture.json");
    const ImportResultInfo info =
        storeImportFunction()(store, {sample}, [](const ImportProgressInfo&) { return true; });
    return info.filesImported == 1 ? store : QString();
}

/// The bundled sample imported and opened, its activity computed, and an 800×260 ActivityPanel shown on it.
struct SamplePanel
{
    QTemporaryDir dir;
    StoreSession session;
    QSignalSpy ready{&session, &StoreSession::activityReady};
    std::unique_ptr<ActivityPanel> panel;

    /// Empty when the panel is shown; otherwise what failed.
    QString open()
    {
        const QString store = sampleStore(dir);
        if (store.isEmpty())
            return QStringLiteral("the sample was not imported");
        if (QString error = session.open(store); !error.isEmpty())
            return error;
        if (!QTest::qWaitFor([&] { return !session.isBusy() && !session.activity().empty(); }, 20'000))
            return QStringLiteral("the activity was not computed");
        panel = std::make_unique<ActivityPanel>(&session);
        panel->resize(800, 260);
        panel->show();
        return QTest::qWaitForWindowExposed(panel.get()) ? QString() : QStringLiteral("the panel was not shown");
    }
};

int distance(QRgb a, QRgb b)
{
    return std::abs(qRed(a) - qRed(b)) + std::abs(qGreen(a) - qGreen(b)) + std::abs(qBlue(a) - qBlue(b));
}
} // namespace

class TestActivityChart : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void binText_data()
    {
        QTest::addColumn<qint64>("micros");
        QTest::addColumn<QString>("text");
        const qint64 s = 1'000'000;
        QTest::newRow("1 ms") << qint64(1000) << QStringLiteral("1 ms");
        QTest::newRow("100 ms") << qint64(100'000) << QStringLiteral("100 ms");
        QTest::newRow("1 s") << s << QStringLiteral("1 s");
        QTest::newRow("15 s") << 15 * s << QStringLiteral("15 s");
        QTest::newRow("90 s") << 90 * s << QStringLiteral("90 s");
        QTest::newRow("1 min") << 60 * s << QStringLiteral("1 min");
        QTest::newRow("5 min") << 300 * s << QStringLiteral("5 min");
        QTest::newRow("1 h") << 3600 * s << QStringLiteral("1 h");
        QTest::newRow("6 h") << 21'600 * s << QStringLiteral("6 h");
        QTest::newRow("1 day") << 86'400 * s << QStringLiteral("1 day");
        QTest::newRow("1 week") << 604'800 * s << QStringLiteral("1 week");
        QTest::newRow("30 days") << 2'592'000 * s << QStringLiteral("30 days");
        QTest::newRow("1 year") << 31'536'000 * s << QStringLiteral("1 year");
    }

    void binText()
    {
        QFETCH(qint64, micros);
        QFETCH(QString, text);
        QCOMPARE(ActivityChart::binText(micros), text);
    }

    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QSettings().clear();
    }

    /// The legend and the axis caption never overlap (in the narrow dock of a 1024x700 window the caption was drawn
    /// over TTL REMOVE): side by side where they fit, else the caption on its own line, both above the plot.
    void legendAndCaptionApart_data()
    {
        QTest::addColumn<int>("width");
        QTest::newRow("wide") << 800;
        QTest::newRow("dock at 1024x700") << 440;
    }
    void legendAndCaptionApart()
    {
        QFETCH(int, width);
        SamplePanel sample;
        QCOMPARE(sample.open(), QString());
        ActivityChart* chart = sample.panel->chart();
        sample.panel->resize(width, 260);
        QTRY_COMPARE(sample.panel->width(), width);
        const QRect legend = chart->legendRect();
        const QRect caption = chart->axisLabelRect();
        QVERIFY2(!legend.intersects(caption),
                 qPrintable(QStringLiteral("legend %1..%2, caption %3..%4 (chart %5 px)")
                                .arg(legend.left())
                                .arg(legend.right())
                                .arg(caption.left())
                                .arg(caption.right())
                                .arg(chart->width())));
        QVERIFY(caption.right() < chart->width() && caption.left() >= 0);
        QVERIFY(chart->plotRect().top() >= std::max(legend.bottom(), caption.bottom()));
        if (width >= 800)
            QCOMPARE(caption.top(), legend.top()); // one line where there is room
    }

    void tooltipAxisBandAndZoom()
    {
        SamplePanel sample;
        QCOMPARE(sample.open(), QString());
        StoreSession& session = sample.session;
        QSignalSpy& ready = sample.ready;
        ActivityPanel& panel = *sample.panel;
        ActivityChart* chart = panel.chart();
        const qint64 width = session.activityBucketMicros();
        const auto buckets = session.activity();
        QVERIFY(buckets.size() >= 3);

        // One axis caption, the bin width in words.
        QCOMPARE(chart->axisLabel(), QStringLiteral("events per ") + ActivityChart::binText(width));
        QVERIFY(!chart->axisLabel().contains(QStringLiteral("e+")));

        // A tooltip per bar: its time span and counts.
        const auto& b = buckets.front();
        const double x = (chart->xAt(b.startMicros) + chart->xAt(b.startMicros + width)) / 2;
        QCOMPARE(chart->bucketAt(x), 0);
        const QString tip = chart->tooltipAt(x);
        QVERIFY2(tip.startsWith(formatting::timeText(b.startMicros).left(19) + QStringLiteral(" – ")), qPrintable(tip));
        QVERIFY2(tip.contains(QStringLiteral("(%1)").arg(ActivityChart::binText(width))), qPrintable(tip));
        QVERIFY2(tip.contains(formatting::count(b.total(), "event", "events") + QLatin1Char(':')), qPrintable(tip));
        if (b.inserts)
            QVERIFY2(tip.contains(QStringLiteral("%1 INSERT").arg(b.inserts)), qPrintable(tip));
        QVERIFY(chart->tooltipAt(chart->plotRect().left() - 20).isEmpty());

        // The band: bars outside the range are dimmed strongly, its edges drawn in the highlight colour.
        const QImage plain = chart->grab().toImage();
        const auto& last = buckets.back();
        const qint64 from = buckets[1].startMicros;
        const qint64 to = last.startMicros; // the last bar lies outside
        chart->setFilterRange(from, to);
        const QImage banded = chart->grab().toImage();
        const qreal dpr = banded.devicePixelRatio();
        const QPoint lastBar(int((chart->xAt(last.startMicros) + 1) * dpr),
                             int((chart->plotRect().bottom() - 2) * dpr));
        QVERIFY2(distance(plain.pixel(lastBar), banded.pixel(lastBar)) > 60,
                 qPrintable(QStringLiteral("outside the band %1 vs %2")
                                .arg(plain.pixel(lastBar), 0, 16)
                                .arg(banded.pixel(lastBar), 0, 16)));
        const QPoint edge(int(chart->xAt(from) * dpr), int((chart->plotRect().top() + 3) * dpr));
        QVERIFY(distance(banded.pixel(edge), chart->palette().color(QPalette::Highlight).rgb()) < 40);

        // Zoom into the band: only that span, in finer (or equal) bins; back out: everything as before.
        ready.clear();
        QVERIFY(panel.zoomIn());
        QVERIFY(ready.wait(20'000));
        QCOMPARE(panel.zoomDepth(), 1);
        QVERIFY(session.activityZoom().has_value());
        QCOMPARE(chart->span(), std::make_pair(from, to));
        QVERIFY(session.activityBucketMicros() <= width);
        for (const auto& z : session.activity())
            QVERIFY(z.startMicros + session.activityBucketMicros() > from && z.startMicros < to);
        QVERIFY(panel.zoomOutButton()->isEnabled());
        ready.clear();
        QTest::mouseClick(panel.zoomOutButton(), Qt::LeftButton);
        QVERIFY(ready.wait(20'000));
        QCOMPARE(panel.zoomDepth(), 0);
        QVERIFY(!session.activityZoom().has_value());
        QCOMPARE(session.activityBucketMicros(), width);
        QCOMPARE(session.activity().size(), buckets.size());
        QVERIFY(!panel.zoomOutButton()->isEnabled());

        // Shift+drag zooms directly (a plain drag filters the events: rangeSelected, no zoom).
        QSignalSpy selected(chart, &ActivityChart::rangeSelected);
        const int y = chart->plotRect().center().y();
        const QRect plot = chart->plotRect();
        QTest::mousePress(chart, Qt::LeftButton, Qt::NoModifier, QPoint(plot.left() + 10, y));
        QTest::mouseMove(chart, QPoint(plot.center().x(), y));
        QTest::mouseRelease(chart, Qt::LeftButton, Qt::NoModifier, QPoint(plot.center().x(), y));
        QCOMPARE(selected.count(), 1);
        QCOMPARE(panel.zoomDepth(), 0);
        ready.clear();
        QTest::mousePress(chart, Qt::LeftButton, Qt::ShiftModifier, QPoint(plot.left() + 10, y));
        QTest::mouseMove(chart, QPoint(plot.center().x(), y));
        QTest::mouseRelease(chart, Qt::LeftButton, Qt::ShiftModifier, QPoint(plot.center().x(), y));
        QCOMPARE(selected.count(), 1);
        QCOMPARE(panel.zoomDepth(), 1);
        QVERIFY(ready.wait(20'000));
        QVERIFY(session.activityZoom().has_value());
        QVERIFY(chart->span().second - chart->span().first
                < buckets.back().startMicros + width - buckets.front().startMicros);
        panel.resetZoom();
        QVERIFY(ready.wait(20'000));
        QVERIFY(!session.activityZoom().has_value());
    }

    // A store refresh (after an import, File ▸ Refresh) shows the whole span again: Zoom Out and Whole Span follow.
    void refreshEndsTheZoom()
    {
        SamplePanel sample;
        QCOMPARE(sample.open(), QString());
        StoreSession& session = sample.session;
        QSignalSpy& ready = sample.ready;
        ActivityPanel& panel = *sample.panel;
        const auto buckets = session.activity();
        QVERIFY(buckets.size() >= 3);
        panel.chart()->setFilterRange(buckets[1].startMicros, buckets.back().startMicros);
        ready.clear();
        QVERIFY(panel.zoomIn());
        QVERIFY(ready.wait(20'000));
        QVERIFY(session.activityZoom().has_value());
        QVERIFY(panel.zoomOutButton()->isEnabled());

        ready.clear();
        session.refresh();
        QTRY_VERIFY_WITH_TIMEOUT(!ready.isEmpty() && !session.isBusy(), 20'000);
        QVERIFY(!session.activityZoom().has_value());
        QCOMPARE(panel.zoomDepth(), 0);
        QVERIFY(!panel.zoomOutButton()->isEnabled());
        QVERIFY(!panel.zoomResetButton()->isEnabled());
        QVERIFY(panel.zoomInButton()->isEnabled());
        // Zooming again starts from the whole span: one step.
        ready.clear();
        QVERIFY(panel.zoomIn());
        QVERIFY(ready.wait(20'000));
        QCOMPARE(panel.zoomDepth(), 1);
        QVERIFY(panel.zoomOutButton()->isEnabled());
    }
};

QTEST_MAIN(TestActivityChart)
#include "tstw_activitychart.moc"
