using System.Text.Json.Nodes;
using PveSimulator.Model;

namespace PveSimulator.Api;

/// <summary>One simulated PVE API method: its route, how it is reached and checked, and the handler producing "data".</summary>
internal sealed record ApiEndpoint(
    string Method,
    string Template,
    EndpointScope Scope,
    RequiredAccess Access,
    Func<ApiCall, Task<JsonNode?>> Handler)
{
    /// <summary>Parameters accepted besides the path ones; anything else is a 400 as in PVE.</summary>
    public IReadOnlyList<ParameterSpec> Parameters { get; init; } = [];

    /// <summary>Whether the simulated release has this method at all; otherwise it answers 501.</summary>
    public Func<PveRelease, bool> ExistsIn { get; init; } = _ => true;

    /// <summary>Served without credentials (POST /access/ticket); the handler checks what it needs itself.</summary>
    public bool Anonymous { get; init; }

    /// <summary>The power action ("start", ...) this endpoint performs; counted per CT by <see cref="RequestCounters.PowerActions"/>.</summary>
    public string? PowerAction { get; init; }

    /// <summary>The key of <see cref="RequestCounters"/> and of fault rules: "GET /nodes/{node}/lxc".</summary>
    public string CounterKey => $"{Method} {Template}";

    public bool HasVmid => Template.Contains("{vmid}", StringComparison.Ordinal);

    /// <summary>Route parameter names, which may also appear among the request's parameters.</summary>
    public IReadOnlyCollection<string> PathParameters { get; } =
        Template.Split('/').Where(s => s.StartsWith('{')).Select(s => s.Trim('{', '}')).ToArray();
}
