# Precompiled headers (STREAMSCOPE_PCH, default ON): the standard library, nlohmann/json and the Qt headers most
# sources include are parsed once per library and once per test folder instead of once per source file. Parsing them
# was 60-80 % of compiling a Qt source or a test here, and a clean build (what CI does, twice: Release and ASan) is
# mostly that. Only system headers are precompiled, never the project's own, so editing a project header rebuilds no
# more than before. Each source still includes what it uses: a build with STREAMSCOPE_PCH=OFF (the ccache-friendly
# developer build, see README) checks that.
#
# Off by default when ccache is the compiler launcher: ccache does not cache a source compiled against a precompiled
# header unless CCACHE_SLOPPINESS has pch_defines,time_macros, and a warm ccache is faster than any precompiled header.
if(CMAKE_CXX_COMPILER_LAUNCHER MATCHES "ccache")
    set(streamscope_pch_default OFF)
else()
    set(streamscope_pch_default ON)
endif()
option(STREAMSCOPE_PCH "Precompile the system headers most sources include (shorter clean builds)"
       ${streamscope_pch_default})

set(STREAMSCOPE_PCH_STD
    <algorithm> <array> <chrono> <cstdint> <cstring> <filesystem> <functional> <map> <memory> <mutex> <optional>
    <set> <string> <string_view> <unordered_map> <utility> <variant> <vector>)
set(STREAMSCOPE_PCH_QTCORE
    <QByteArray> <QDateTime> <QDir> <QFile> <QFileInfo> <QHash> <QJsonArray> <QJsonDocument> <QJsonObject> <QList>
    <QObject> <QString> <QStringList> <QVariant>)
set(STREAMSCOPE_PCH_QTMODELS <QAbstractItemModel> <QAbstractTableModel> <QPointer> <QTimer>)
set(STREAMSCOPE_PCH_QTWIDGETS
    <QAction> <QApplication> <QCheckBox> <QComboBox> <QDialog> <QDialogButtonBox> <QHBoxLayout> <QHeaderView>
    <QLabel> <QLineEdit> <QMainWindow> <QMenu> <QPlainTextEdit> <QPushButton> <QSplitter> <QTableView> <QTabWidget>
    <QTreeView> <QVBoxLayout> <QWidget>)
set(STREAMSCOPE_PCH_QTTEST <QSignalSpy> <QTemporaryDir> <QTest>)

# streamscope_pch(TARGET std|storage|qtcore|qtwidgets): the target's own precompiled header of that kind.
function(streamscope_pch target kind)
    if(NOT STREAMSCOPE_PCH)
        return()
    endif()
    set(headers ${STREAMSCOPE_PCH_STD})
    if(kind STREQUAL "storage")
        list(APPEND headers <nlohmann/json.hpp>)
    elseif(kind STREQUAL "qtcore")
        list(APPEND headers <nlohmann/json.hpp> ${STREAMSCOPE_PCH_QTCORE} ${STREAMSCOPE_PCH_QTMODELS})
    elseif(kind STREQUAL "qtwidgets")
        list(APPEND headers <nlohmann/json.hpp> ${STREAMSCOPE_PCH_QTCORE} ${STREAMSCOPE_PCH_QTMODELS}
             ${STREAMSCOPE_PCH_QTWIDGETS})
    endif()
    target_precompile_headers(${target} PRIVATE ${headers})
endfunction()

# streamscope_test_pch(TARGET widgets|core): a test shares one precompiled header with the other tests of its folder
# and kind. A GCC precompiled header is used only where the macros its headers look at are defined alike, and QtTest
# looks at QT_TESTCASE_BUILDDIR (one per folder) and QT_GUI_LIB/QT_WIDGETS_LIB (QTEST_MAIN's application type): the
# first test of a folder and kind builds it, the others reuse it.
function(streamscope_test_pch target kind)
    if(NOT STREAMSCOPE_PCH)
        return()
    endif()
    string(MAKE_C_IDENTIFIER "streamscope_pch_anchor_${CMAKE_CURRENT_BINARY_DIR}_${kind}" key)
    get_property(anchor GLOBAL PROPERTY ${key})
    if(anchor)
        target_precompile_headers(${target} REUSE_FROM ${anchor})
        return()
    endif()
    set_property(GLOBAL PROPERTY ${key} ${target})
    set(headers ${STREAMSCOPE_PCH_STD} <nlohmann/json.hpp> ${STREAMSCOPE_PCH_QTCORE} ${STREAMSCOPE_PCH_QTTEST})
    if(kind STREQUAL "widgets")
        list(APPEND headers ${STREAMSCOPE_PCH_QTMODELS} ${STREAMSCOPE_PCH_QTWIDGETS})
    endif()
    target_precompile_headers(${target} PRIVATE ${headers})
endfunction()
