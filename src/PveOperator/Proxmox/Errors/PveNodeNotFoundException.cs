namespace PveOperator.Proxmox;

/// <summary>A node name that the provider's <see cref="PveNodePool"/> does not know.</summary>
public sealed class PveNodeNotFoundException(string nodeName, string availableNodeNames)
    : KeyNotFoundException($"proxmox node {nodeName} not found (available: {availableNodeNames})")
{
    public string NodeName { get; } = nodeName;

    /// <summary>Known node names, sorted and comma-separated.</summary>
    public string AvailableNodeNames { get; } = availableNodeNames;
}
