using System.Globalization;
using System.Text;

namespace Mesh.Node.StandIns.DigitalOcean;

internal sealed record PageRequest(int Page, int PerPage);

/// <summary>
/// The API's paging: page (from 1, default 1) and per_page (1..200, default 20); links.pages holds absolute
/// URLs built from the request's own scheme and host, each present only when it leads somewhere
/// (first/prev after page 1, next/last before the last page), and links is {} for a single page.
/// </summary>
internal static class StandInPaging
{
    public const int MaxPerPage = 200;

    /// <summary>The page asked for, or the 422 message for a page or per_page that is not a number in range.</summary>
    public static (PageRequest? Page, string? Problem) Read(HttpRequest request)
    {
        var page = Number(request, "page", 1);
        var perPage = Number(request, "per_page", 20);
        if (page is null or < 1) return (null, "page must be an integer of at least 1");
        if (perPage is null or < 1 or > MaxPerPage) return (null, $"per_page must be an integer from 1 to {MaxPerPage}");
        return (new PageRequest(page.Value, perPage.Value), null);
    }

    public static (IReadOnlyList<T> Items, LinksJson Links, MetaJson Meta) Slice<T>(IReadOnlyList<T> all, PageRequest page, HttpRequest request)
    {
        var last = Math.Max(1, (all.Count + page.PerPage - 1) / page.PerPage);
        var items = all.Skip((int)Math.Min(int.MaxValue, (long)(page.Page - 1) * page.PerPage)).Take(page.PerPage).ToList();
        var pages = new PagesJson(
            First: page.Page > 1 ? Link(request, 1) : null,
            Prev: page.Page > 1 ? Link(request, Math.Min(page.Page - 1, last)) : null,
            Next: page.Page < last ? Link(request, page.Page + 1) : null,
            Last: page.Page < last ? Link(request, last) : null);
        var any = pages.First is not null || pages.Next is not null;
        return (items, new LinksJson(any ? pages : null), new MetaJson(all.Count));
    }

    private static int? Number(HttpRequest request, string name, int fallback)
    {
        var text = request.Query[name].ToString();
        if (text.Length == 0) return fallback;
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : null;
    }

    /// <summary>This request's URL with page replaced; the other query parameters (filters, per_page) are kept in order.</summary>
    private static string Link(HttpRequest request, int page)
    {
        var url = new StringBuilder().Append(request.Scheme).Append("://").Append(request.Host.Value)
            .Append(request.PathBase.Value).Append(request.Path.Value).Append("?page=").Append(page.ToString(CultureInfo.InvariantCulture));
        foreach (var (key, values) in request.Query)
        {
            if (key == "page") continue;
            foreach (var value in values)
                url.Append('&').Append(Uri.EscapeDataString(key)).Append('=').Append(Uri.EscapeDataString(value ?? ""));
        }
        return url.ToString();
    }
}
