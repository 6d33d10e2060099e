namespace PveSimulator.Admin;

/// <summary>An API token of a scenario file; no privileges listed means every privilege.</summary>
internal sealed record TokenSpec(string Id, string Secret, IReadOnlyList<string>? Privileges = null);
