using PveOperator.Proxmox;

namespace PveOperator.Controllers;

/// <summary>What a config read told the planner: who owns the container, whether it may be destroyed, where its root disk is.</summary>
internal sealed record ContainerConfigFacts(OwnerMark? Owner, bool Protected, bool Template, string? RootStorage, string? Description, string? Digest, string? Lock)
{
    public static ContainerConfigFacts From(PveContainerConfig config) =>
        new(OwnerMark.Find(config.Description), config.Protection == true, config.Template == true, StorageOf(config.RootFs),
            config.Description, config.Digest, config.Lock);

    /// <summary>"local-lvm:vm-100-disk-0,size=8G" → "local-lvm".</summary>
    public static string? StorageOf(string? volume) =>
        volume?.Split(',')[0] is { } id && id.IndexOf(':', StringComparison.Ordinal) is > 0 and var colon ? id[..colon] : null;
}
