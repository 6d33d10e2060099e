using PveSimulator.Api;
using PveSimulator.Model;

namespace PveSimulator.Config;

/// <summary>
/// check_ct_modify_config_perm: the privilege each changed, deleted or reverted key needs (§4.3). Only the user
/// root@pam itself (logged in with a ticket) skips these checks; a token, even root@pam's, never does, so root-only
/// changes (features other than nesting, hookscript, devN, bind mounts) always fail for tokens.
/// </summary>
internal static class ConfigPermissions
{
    private const string RootOnlyFeatures = "changing feature flags (except nesting) is only allowed for root@pam";
    private const string RootOnlyPrivilegedFeatures = "changing feature flags for privileged container is only allowed for root@pam";

    /// <param name="changes">Key → new value (null for a deletion or revert).</param>
    /// <param name="current">The config as it is (empty for a create).</param>
    public static void Check(ApiToken token, int vmid, IReadOnlyDictionary<string, string?> changes, IReadOnlyDictionary<string, string> current, bool privileged)
    {
        if (IsRootUser(token))
        {
            return;
        }

        var vmPath = $"/vms/{vmid}";
        foreach (var (key, value) in changes.OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            switch (key)
            {
                case "cores" or "cpuunits" or "cpulimit":
                    Require(token, vmPath, "VM.Config.CPU");
                    break;
                case "memory" or "swap":
                    Require(token, vmPath, "VM.Config.Memory");
                    break;
                case "hostname" or "nameserver" or "searchdomain":
                    Require(token, vmPath, "VM.Config.Network");
                    break;
                case "features":
                    if (privileged)
                    {
                        throw new PveApiException(403, $"Permission check failed ({RootOnlyPrivilegedFeatures})");
                    }

                    var changed = ConfigRules.ChangedFeatures(current.GetValueOrDefault("features"), value);
                    if (changed.Any(f => f != "nesting"))
                    {
                        throw new PveApiException(403, $"Permission check failed ({RootOnlyFeatures})");
                    }

                    Require(token, vmPath, "VM.Allocate");
                    break;
                case "hookscript":
                    throw new PveApiException(403, "Permission check failed (hookscript)");
                case var _ when key.StartsWith("dev", StringComparison.Ordinal):
                    throw new PveApiException(403, $"Permission check failed (configuring device passthrough is only allowed for root@pam)");
                case var _ when ConfigKeys.IsDisk(key):
                    Require(token, vmPath, "VM.Config.Disk");
                    if (value is not null)
                    {
                        CheckDiskVolume(token, value);
                    }

                    break;
                case var _ when ConfigKeys.IsNet(key):
                    Require(token, vmPath, "VM.Config.Network");
                    foreach (var line in new[] { current.GetValueOrDefault(key), value })
                    {
                        if (line is not null)
                        {
                            CheckBridge(token, line);
                        }
                    }

                    break;
                default:
                    Require(token, vmPath, "VM.Config.Options");
                    break;
            }
        }
    }

    /// <summary>SDN.Use on the bridge's zone path (plain Linux bridges are in zone "localnetwork"), per VLAN with tag=.</summary>
    public static void CheckBridge(ApiToken token, string netLine)
    {
        var options = ConfigRules.ParseProperties(netLine);
        if (!options.TryGetValue("bridge", out var bridge))
        {
            return;
        }

        var path = options.TryGetValue("tag", out var tag) ? $"/sdn/zones/localnetwork/{bridge}/{tag}" : $"/sdn/zones/localnetwork/{bridge}";
        Require(token, path, "SDN.Use");
    }

    /// <summary>root@pam with a ticket: check_ct_modify_config_perm returns at once for it (§4.3).</summary>
    public static bool IsRootUser(ApiToken token) => token.IsTicketUser && token.UserId == "root@pam";

    public static void Require(ApiToken token, string path, string privilege)
    {
        if (!token.Has(privilege))
        {
            throw PveApiException.PermissionDenied(path, privilege);
        }
    }

    /// <summary>A new "STORAGE:SIZE" volume needs Datastore.AllocateSpace on that storage; a bind mount (a path) root@pam.</summary>
    private static void CheckDiskVolume(ApiToken token, string value)
    {
        var volume = ConfigKeys.Volume(value) ?? "";
        if (volume.StartsWith('/'))
        {
            throw new PveApiException(403, $"Permission check failed (mount point type {(volume.StartsWith("/dev/", StringComparison.Ordinal) ? "device" : "bind")} is only allowed for root@pam)");
        }

        var colon = volume.IndexOf(':');
        if (colon > 0)
        {
            Require(token, $"/storage/{volume[..colon]}", "Datastore.AllocateSpace");
        }
    }
}
