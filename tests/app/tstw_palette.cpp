// Colours under the light and the dark palette: event, change and severity text colours contrast with the
// base they are drawn on, row tints are visible on the base and keep the palette's text readable; the real
// window under the dark palette paints its diff summary and event filters in readable colours.

#include <QApplication>
#include <QCheckBox>
#include <QLabel>
#include <QStyle>
#include <QStyleFactory>
#include <QTest>

#include "app/widgets/eventstyle.h"
#include "app/widgets/mainwindow.h"

using namespace eventstyle;

class TestPalette : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { QApplication::setStyle(QStyleFactory::create(QStringLiteral("Fusion"))); }

    void colours_data()
    {
        QTest::addColumn<QPalette>("palette");
        QTest::newRow("light") << QApplication::style()->standardPalette();
        QTest::newRow("dark") << darkPalette();
    }

    void colours()
    {
        QFETCH(QPalette, palette);
        const QColor base = palette.color(QPalette::Base);
        const QColor window = palette.color(QPalette::Window);
        const QColor text = palette.color(QPalette::Text);
        QCOMPARE(isDark(palette), QByteArray(QTest::currentDataTag()) == "dark");
        QVERIFY(contrast(text, base) >= 7);
        const auto checkText = [&](const QColor& c, const QColor& on, const char* what, int i) {
            QVERIFY2(c.isValid(), what);
            QVERIFY2(contrast(c, on) >= 4.5,
                     qPrintable(QStringLiteral("%1 %2: %3 on %4 contrast %5")
                                    .arg(QLatin1String(what))
                                    .arg(i)
                                    .arg(c.name(), on.name())
                                    .arg(contrast(c, on))));
        };
        const auto checkTint = [&](const QColor& tint, const char* what, int i) {
            QVERIFY2(tint.isValid() && tint.alpha() < 255, what);
            const QColor shown = composite(tint, base);
            // Visible against the untinted rows, and the row's text stays readable on it.
            QVERIFY2(contrast(shown, base) >= 1.15,
                     qPrintable(QStringLiteral("%1 %2 tint %3 invisible on %4 (%5)")
                                    .arg(QLatin1String(what))
                                    .arg(i)
                                    .arg(shown.name(), base.name())
                                    .arg(contrast(shown, base))));
            QVERIFY2(contrast(text, shown) >= 4.5,
                     qPrintable(QStringLiteral("text on %1 %2 tint: %3")
                                    .arg(QLatin1String(what))
                                    .arg(i)
                                    .arg(contrast(text, shown))));
        };
        for (int kind = 0; kind < 4; ++kind) {
            checkText(eventTextColor(kind, false, palette), base, "event", kind);
            checkText(readableOn(eventColor(kind), window), window, "event on window", kind);
            checkTint(eventTint(kind, false, palette), "event", kind);
        }
        checkText(eventTextColor(2, true, palette), base, "ttl remove", 2);
        checkTint(eventTint(2, true, palette), "ttl remove", 2);
        for (int change = 1; change <= 3; ++change) {
            checkText(changeTextColor(change, palette), base, "change", change);
            checkText(readableOn(changeColor(change), window), window, "change on window", change);
            checkTint(changeTint(change, palette), "change", change);
        }
        QVERIFY(!changeTint(0, palette).isValid()); // unchanged rows stay untinted
        for (int severity = 0; severity <= 2; ++severity) {
            checkText(severityTextColor(severity, palette), base, "severity", severity);
            checkTint(severityTint(severity, palette), "severity", severity);
        }
        // The selection highlight stands out from the base.
        QVERIFY(contrast(palette.color(QPalette::Highlight), base) >= 1.5);
        QVERIFY(contrast(palette.color(QPalette::HighlightedText), palette.color(QPalette::Highlight)) >= 3);
    }

    void readableOnKeepsHue()
    {
        const QColor orange = changeColor(3);
        const QColor dark = readableOn(orange, Qt::white);
        QVERIFY(contrast(dark, Qt::white) >= 4.5);
        QVERIFY(std::abs(dark.hslHue() - orange.hslHue()) <= 3);
        // Already readable: unchanged.
        QCOMPARE(readableOn(QColor(Qt::black), Qt::white), QColor(Qt::black));
    }

    void windowFollowsPaletteChange()
    {
        MainWindow window;
        window.show();
        QApplication::setPalette(darkPalette());
        QCoreApplication::processEvents();
        // The event filter check boxes re-derive their label colour from the new window colour.
        const auto boxes = window.findChildren<QCheckBox*>();
        int checked = 0;
        for (QCheckBox* box : boxes) {
            if (box->text() != QLatin1String("MODIFY"))
                continue;
            const QColor label = box->palette().color(QPalette::WindowText);
            QVERIFY2(contrast(label, box->palette().color(QPalette::Window)) >= 4.5, qPrintable(label.name()));
            ++checked;
        }
        QCOMPARE(checked, 1);
        QApplication::setPalette(QApplication::style()->standardPalette());
    }
};

QTEST_MAIN(TestPalette)
#include "tstw_palette.moc"
