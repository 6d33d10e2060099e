using PveOperator.Entities;

namespace PveOperator.Controllers;

/// <summary>
/// The config keys a create POST carries, so that a created container starts with its spec's configuration instead of
/// being written again after the create: the same keys the comparison with an empty config would set.
/// </summary>
internal static class CreateConfig
{
    /// <summary>A container without a network is rarely what anyone wants; spec.network says otherwise.</summary>
    public const string DefaultNetwork = "name=eth0,bridge=vmbr0,ip=dhcp";

    public static Dictionary<string, string> For(LxcContainerSpec spec, OwnerMark mark)
    {
        var keys = new Dictionary<string, string>(ConfigDiff.Compute(spec, Empty).Set, StringComparer.Ordinal);
        // hostname and the root disk are parameters of their own.
        keys.Remove("hostname");
        keys["description"] = mark.MarkIn(spec.Description);
        if (spec.Network is null)
        {
            keys["net0"] = DefaultNetwork;
        }

        return keys;
    }

    /// <summary>The root disk's size: spec.rootfs.size when set, else create.rootfsSize (default 8Gi).</summary>
    public static string RootfsSize(LxcContainerSpec spec) =>
        spec.Rootfs?.Size ?? spec.Create?.RootfsSize ?? ContainerCreateSpec.DefaultRootfsSize;

    /// <summary>The N of the create's rootfs "STORAGE:N", in GiB.</summary>
    public static long RootfsGibibytes(LxcContainerSpec spec) =>
        PveSize.Gibibytes(PveSize.QuantityBytes(RootfsSize(spec)) ?? PveSize.QuantityBytes(ContainerCreateSpec.DefaultRootfsSize)!.Value);

    private static readonly ConfigObservation Empty = new(new Dictionary<string, string>(), [], null);
}
