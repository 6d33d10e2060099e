using System.Globalization;
using System.Text.Json.Nodes;
using PveSimulator.Model;

namespace PveSimulator.Api;

/// <summary>An authenticated request as a handler sees it.</summary>
internal sealed class ApiCall(HttpContext http, ApiToken token, RequestParameters parameters)
{
    public HttpContext Http { get; } = http;
    public ApiToken Token { get; } = token;
    public RequestParameters Parameters { get; } = parameters;

    /// <summary>Top-level fields next to "data", such as the task log's "total".</summary>
    public Dictionary<string, JsonNode?> ExtraFields { get; } = new(StringComparer.Ordinal);

    /// <summary>The {node} of the route.</summary>
    public string Node => Route("node");

    /// <summary>The {vmid} of the route, already validated by the pipeline.</summary>
    public int Vmid => int.Parse(Route("vmid"), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);

    public string Route(string name) => Http.GetRouteValue(name) as string ?? throw new InvalidOperationException($"route has no {{{name}}}");
}
