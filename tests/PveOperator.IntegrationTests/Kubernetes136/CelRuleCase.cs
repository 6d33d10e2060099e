using System.Text.Json.Nodes;

namespace PveOperator.IntegrationTests.Kubernetes136;

/// <summary>
/// One row of the CEL rule table: an object is created, then (when <see cref="Patch"/> is set) merge-patched; the
/// last step is accepted, or refused with <see cref="RefusedWith"/> in the message the user sees.
/// </summary>
public sealed record CelRuleCase(string Plural, JsonObject Spec, JsonObject? Patch, string? RefusedWith)
{
    public bool ClusterScoped => Plural == "proxmoxproviders";

    public string Kind => ClusterScoped ? "ProxmoxProvider" : "LxcContainer";
}
