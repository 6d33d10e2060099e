using System.Globalization;

namespace PveOperator.Proxmox;

/// <summary>One API call: method, path below /api2/json, query and form parameters.</summary>
internal sealed record PveApiRequest
{
    public required HttpMethod Method { get; init; }
    public required IReadOnlyList<string> Segments { get; init; }
    public IReadOnlyList<KeyValuePair<string, string>> Query { get; init; } = [];
    public IReadOnlyList<KeyValuePair<string, string>> Form { get; init; } = [];

    /// <summary>Only GETs are safe to repeat.</summary>
    public bool IsRead => Method == HttpMethod.Get;

    /// <summary>The node whose daemon serves the call (/nodes/{node}/...), null for cluster-wide endpoints.</summary>
    public string? Node => Segments is ["nodes", var node, ..] ? node : null;

    /// <summary>Path with query, for logs and error texts (never holds credentials).</summary>
    public string Path =>
        "/" + string.Join('/', Segments) +
        (Query.Count == 0 ? "" : "?" + string.Join('&', Query.Select(q => $"{q.Key}={q.Value}")));

    public static PveApiRequest Get(params object[] segments) =>
        new() { Method = HttpMethod.Get, Segments = ToText(segments) };

    public static PveApiRequest Post(IReadOnlyList<KeyValuePair<string, string>> form, params object[] segments) =>
        new() { Method = HttpMethod.Post, Segments = ToText(segments), Form = form };

    public static PveApiRequest Put(IReadOnlyList<KeyValuePair<string, string>> form, params object[] segments) =>
        new() { Method = HttpMethod.Put, Segments = ToText(segments), Form = form };

    /// <summary>DELETE: PVE reads its parameters from the query string.</summary>
    public static PveApiRequest Delete(IReadOnlyList<KeyValuePair<string, string>> query, params object[] segments) =>
        new() { Method = HttpMethod.Delete, Segments = ToText(segments), Query = query };

    /// <summary>The endpoint with its variable parts named, e.g. "GET /nodes/{node}/lxc/{vmid}/status/current": a metric label.</summary>
    public string Endpoint
    {
        get
        {
            var parts = new string[Segments.Count];
            for (var i = 0; i < Segments.Count; i++)
            {
                parts[i] = i > 0 ? Segments[i - 1] switch
                {
                    "nodes" => "{node}",
                    "lxc" => "{vmid}",
                    "tasks" => "{upid}",
                    "storage" => "{storage}",
                    _ => Segments[i],
                } : Segments[i];
            }

            return $"{Method.Method} /{string.Join('/', parts)}";
        }
    }

    public override string ToString() => $"{Method.Method} {Path}";

    private static string[] ToText(object[] segments) =>
        segments.Select(s => Convert.ToString(s, CultureInfo.InvariantCulture) ?? "").ToArray();
}
