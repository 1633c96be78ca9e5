// Placeholder translation unit until the first view model lands.
namespace viewmodels {
int placeholder()
{
    return 0;
}
} // namespace viewmodels
