using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using PveSimulator.Config;
using PveSimulator.Model;
using PveSimulator.Tasks;

namespace PveSimulator.Api;

/// <summary>PUT config (synchronous, digest, live vs pending), PUT resize and POST migrate (lifecycle reference §4, §5, §8).</summary>
internal sealed partial class ConfigUpdateEndpoints(SimulatorServices services)
{
    private static readonly string[] RequiredKeys = ["memory", "rootfs", "ostype"];

    private SimulatedCluster Cluster => services.Cluster;

    public IEnumerable<ApiEndpoint> All() =>
    [
        new("PUT", "/nodes/{node}/lxc/{vmid}/config", EndpointScope.NodeDaemon, RequiredAccess.VmConfigAny, UpdateConfig)
        {
            Parameters =
            [
                .. ConfigRules.Parameters,
                new ParameterSpec("delete", ParameterType.String),
                new ParameterSpec("revert", ParameterType.String),
                new ParameterSpec("digest", ParameterType.String),
            ],
        },
        new("PUT", "/nodes/{node}/lxc/{vmid}/resize", EndpointScope.NodeDaemon, RequiredAccess.VmConfigDisk, Resize)
        {
            Parameters = [new ParameterSpec("disk", ParameterType.String), new ParameterSpec("size", ParameterType.String), new ParameterSpec("digest", ParameterType.String)],
        },
        new("POST", "/nodes/{node}/lxc/{vmid}/migrate", EndpointScope.NodeDaemon, RequiredAccess.VmMigrate, Migrate)
        {
            Parameters =
            [
                new ParameterSpec("target", ParameterType.String),
                new ParameterSpec("target-storage", ParameterType.String),
                new ParameterSpec("online", ParameterType.Boolean),
                new ParameterSpec("restart", ParameterType.Boolean),
                new ParameterSpec("timeout", ParameterType.Integer, Minimum: 0),
                new ParameterSpec("bwlimit", ParameterType.Integer, Minimum: 0),
            ],
        },
    ];

    private Task<JsonNode?> UpdateConfig(ApiCall call)
    {
        var node = call.Node;
        var vmid = call.Vmid;
        var p = call.Parameters;
        var (keys, errors) = LifecycleEndpoints.ValidatedConfigKeys(p);
        if (errors.Count > 0)
        {
            throw PveApiException.InvalidParameters(errors);
        }

        var deletes = IdList(p.GetString("delete"));
        var reverts = IdList(p.GetString("revert"));
        if (keys.Count == 0 && deletes.Count == 0 && reverts.Count == 0)
        {
            throw new PveApiException(500, "no options specified");
        }

        if (services.Runner.IsConfigLocked(vmid))
        {
            // A task holds the CT's flock for longer than lock_config waits.
            throw new PveApiException(500, TaskRunner.ConfigLockTimeoutText(vmid));
        }

        var error = Cluster.WithContainer(vmid, live =>
        {
            if (live.Node != node)
            {
                return PveApiException.ConfigMissing(node, vmid);
            }

            if (services.Faults.TakeConfigChangeBeforeWrite(vmid) is { } interposed)
            {
                // Another writer got the flock first: its change lands between this client's read and its write.
                foreach (var (key, value) in interposed)
                {
                    live.Config.Set(key, value);
                }
            }

            try
            {
                Apply(call.Token, live, keys, deletes, reverts, p.GetString("digest"));
                return null;
            }
            catch (PveApiException refused)
            {
                return refused;
            }
        }) ?? (Cluster.ViewContainer(vmid) is { } found && found.Node == node ? null : PveApiException.ConfigMissing(node, vmid));
        if (error is not null)
        {
            throw error;
        }

        return Task.FromResult<JsonNode?>(null);
    }

    /// <summary>update_pct_config under the CT's flock: checks, then pending, then what a stopped or running CT takes at once.</summary>
    private void Apply(ApiToken token, SimContainer container, Dictionary<string, string> keys, IReadOnlyList<string> deletes, IReadOnlyList<string> reverts, string? digest)
    {
        var config = container.Config;
        var vmid = container.Vmid;
        if (container.Lock is { } held)
        {
            throw new PveApiException(500, $"CT is locked ({held})");
        }

        if (!string.IsNullOrEmpty(digest) && digest != config.Digest)
        {
            throw new PveApiException(500, "detected modified configuration - file changed by other user? Try again.");
        }

        var changes = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var key in deletes.Concat(reverts))
        {
            changes[key] = null;
        }

        foreach (var (key, value) in keys)
        {
            changes[key] = value;
        }

        ConfigPermissions.Check(token, vmid, changes, config.Merged(), privileged: config.Get("unprivileged") != "1");
        ValidateDeleteAndRevert(keys, deletes, reverts);

        var isProtected = config.Get("protection") == "1";
        foreach (var key in deletes)
        {
            if (RequiredKeys.Contains(key))
            {
                throw new PveApiException(500, $"unable to delete required option '{key}'");
            }

            if (key == "unprivileged")
            {
                throw new PveApiException(500, "unable to delete read-only option: 'unprivileged'");
            }

            if (isProtected && (ConfigKeys.IsMountPoint(key) || ConfigKeys.IsUnused(key)))
            {
                throw new PveApiException(500, $"can't remove CT {vmid} drive '{key}' - protection mode enabled");
            }
        }

        foreach (var (key, value) in keys)
        {
            if (key == "unprivileged" && value != (config.Get("unprivileged") ?? "0"))
            {
                throw new PveApiException(500, "unable to modify read-only option: 'unprivileged'");
            }

            if (ConfigKeys.IsNet(key) && ConfigRules.ParseProperties(value) is var net
                && net.TryGetValue("mtu", out var mtuText) && int.TryParse(mtuText, CultureInfo.InvariantCulture, out var mtu))
            {
                // read_bridge_mtu: the veth cannot be larger than the bridge it is plugged into (§4.2 step 7).
                var bridgeMtu = Cluster.BridgeMtu(net.GetValueOrDefault("bridge") ?? "");
                if (mtu > bridgeMtu)
                {
                    throw new PveApiException(500, $"{key}: MTU size '{mtu}' is bigger than bridge MTU '{bridgeMtu}'");
                }
            }

            if (ConfigKeys.IsDisk(key))
            {
                if (isProtected)
                {
                    throw new PveApiException(500, $"can't update CT {vmid} drive '{key}' - protection mode enabled");
                }

                if (NewVolumePattern().Match(ConfigKeys.Volume(value) ?? "") is { Success: true } match
                    && Cluster.FindStorage(match.Groups["storage"].Value) is { } storage && !storage.HasContent("rootdir"))
                {
                    throw new PveApiException(500, $"storage '{storage.Id}' does not allow content type 'rootdir' (Container)");
                }
            }
        }

        foreach (var key in reverts)
        {
            config.RevertPending(key);
        }

        foreach (var key in deletes)
        {
            // Deleting an unset key only warns.
            config.DeletePending(key);
        }

        foreach (var (key, value) in keys)
        {
            config.SetPending(key, ConfigKeys.IsNet(key) ? ConfigRules.CompleteNet(value) : value);
        }

        if (!container.Running)
        {
            AllocateNewVolumes(container, config.Pending.Keys.Where(ConfigKeys.IsMountPoint).ToArray());
            TurnDeletedMountPointsUnused(config);
            config.ApplyPending();
            return;
        }

        HotplugPending(container);
    }

    /// <summary>vmconfig_hotplug_pending: what a running CT takes now; the rest stays in [pve:pending] until the next start.</summary>
    private void HotplugPending(SimContainer container)
    {
        var config = container.Config;
        foreach (var key in config.PendingDeletes.Where(ConfigRules.DeletesLive).ToArray())
        {
            config.Remove(key);
            config.RevertPending(key);
        }

        foreach (var (key, value) in config.Pending.ToArray())
        {
            var isNewKey = config.Get(key) is null;
            if (!ConfigRules.AppliesLive(key, isNewKey))
            {
                continue;
            }

            if (ConfigKeys.IsMountPoint(key))
            {
                AllocateNewVolumes(container, [key]);
                config.Set(key, config.Pending[key]);
            }
            else
            {
                config.Set(key, value);
            }

            config.RevertPending(key);
        }
    }

    /// <summary>"STORAGE:N" values of mount points become real volumes (vm-&lt;vmid&gt;-disk-&lt;n&gt;, size=NG).</summary>
    private void AllocateNewVolumes(SimContainer container, IReadOnlyList<string> keys)
    {
        var config = container.Config;
        foreach (var key in keys)
        {
            var value = config.Pending[key];
            if (NewVolumePattern().Match(ConfigKeys.Volume(value) ?? "") is not { Success: true } match)
            {
                continue;
            }

            var storageId = match.Groups["storage"].Value;
            var storage = Cluster.FindStorage(storageId);
            var taken = DiskVolume.In(config.Current).Concat(DiskVolume.In(config.Pending)).Where(v => v.Storage == storageId).Select(v => v.VolumeName);
            var name = DiskVolume.NewName(storage?.Type ?? "lvmthin", container.Vmid, taken, subvolume: false);
            var bytes = (long)(double.Parse(match.Groups["size"].Value, CultureInfo.InvariantCulture) * (1L << 30));
            var options = value.Split(',').Skip(1).Where(o => !o.StartsWith("size=", StringComparison.Ordinal)).ToList();
            var mountPath = options.Where(o => o.StartsWith("mp=", StringComparison.Ordinal));
            var rest = options.Where(o => !o.StartsWith("mp=", StringComparison.Ordinal)).Append($"size={ConfigKeys.FormatSize(bytes)}").Order(StringComparer.Ordinal);
            config.SetPending(key, string.Join(',', new[] { $"{storageId}:{name}" }.Concat(mountPath).Concat(rest)));
        }
    }

    /// <summary>Deleting a mount point of a stopped CT keeps its volume as unusedN.</summary>
    private static void TurnDeletedMountPointsUnused(ContainerConfig config)
    {
        foreach (var key in config.PendingDeletes.Where(ConfigKeys.IsMountPoint).ToArray())
        {
            if (config.Get(key) is { } value && ConfigKeys.Volume(value) is { } volume && volume.Contains(':', StringComparison.Ordinal))
            {
                var index = 0;
                while (config.Get($"unused{index}") is not null || config.Pending.ContainsKey($"unused{index}"))
                {
                    index++;
                }

                config.SetPending(string.Create(CultureInfo.InvariantCulture, $"unused{index}"), volume);
            }
        }
    }

    private static void ValidateDeleteAndRevert(Dictionary<string, string> keys, IReadOnlyList<string> deletes, IReadOnlyList<string> reverts)
    {
        foreach (var key in reverts)
        {
            if (!ConfigRules.IsConfigKey(key))
            {
                throw PveApiException.InvalidParameter("revert", $"unknown option '{key}'");
            }

            if (keys.ContainsKey(key))
            {
                throw PveApiException.InvalidParameter("revert", $"you can't use '-{key}' and '-revert {key}' at the same time");
            }
        }

        foreach (var key in deletes)
        {
            if (!ConfigRules.IsConfigKey(key))
            {
                throw PveApiException.InvalidParameter("delete", $"unknown option '{key}'");
            }

            if (keys.ContainsKey(key))
            {
                // sic: PVE's text misses one quote.
                throw PveApiException.InvalidParameter("delete", $"you can't use '-{key}' and -delete {key}' at the same time");
            }

            if (reverts.Contains(key))
            {
                throw PveApiException.InvalidParameter("delete", $"you can't use '-delete {key}' and '-revert {key}' at the same time");
            }
        }
    }

    private Task<JsonNode?> Resize(ApiCall call)
    {
        var node = call.Node;
        var vmid = call.Vmid;
        var p = call.Parameters;
        var disk = p.GetString("disk");
        var size = p.GetString("size");
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        if (disk is null)
        {
            errors["disk"] = "property is missing and it is not optional";
        }
        else if (!ConfigKeys.IsDisk(disk))
        {
            errors["disk"] = $"value '{disk}' does not have a value in the enumeration 'rootfs, mp0, ..., mp255'";
        }

        if (size is null)
        {
            errors["size"] = "property is missing and it is not optional";
        }
        else if (!ResizePattern().IsMatch(size))
        {
            errors["size"] = "value does not match the regex pattern";
        }

        if (errors.Count > 0)
        {
            throw PveApiException.InvalidParameters(errors);
        }

        var container = Cluster.ViewContainer(vmid) is { } found && found.Node == node ? found : throw PveApiException.ConfigMissing(node, vmid);
        var newBytes = CheckResize(call.Token, container, disk!, size!, p.GetString("digest"));
        var task = services.Runner.Create(node, "resize", vmid, call.Token);
        services.Runner.RunWorker(task, vmid, () => null, () => services.Options.TaskDuration, () =>
            Cluster.WithContainer(vmid, live =>
            {
                if (live.Config.Get(disk!) is not { } value)
                {
                    return $"disk '{disk}' does not exist";
                }

                live.Config.Set(disk!, ConfigKeys.WithOption(value, "size", ConfigKeys.FormatSize(newBytes)));
                return (string?)null;
            }) ?? (Cluster.ViewContainer(vmid) is null ? PveApiException.ConfigMissing(node, vmid).Message : null));
        return Task.FromResult<JsonNode?>(JsonValue.Create(task.Upid));
    }

    private static long CheckResize(ApiToken token, ContainerView container, string disk, string size, string? digest)
    {
        if (container.Lock is { } held)
        {
            throw new PveApiException(500, $"CT is locked ({held})");
        }

        if (!string.IsNullOrEmpty(digest) && digest != container.Config.Digest)
        {
            throw new PveApiException(500, "detected modified configuration - file changed by other user? Try again.");
        }

        var value = container.Config.Get(disk) ?? throw new PveApiException(500, $"disk '{disk}' does not exist");
        var volume = ConfigKeys.Volume(value) ?? "";
        var colon = volume.IndexOf(':');
        if (colon > 0)
        {
            ConfigPermissions.Require(token, $"/storage/{volume[..colon]}", "Datastore.AllocateSpace");
        }

        var current = ConfigKeys.ParseSize(ConfigKeys.Option(value, "size")) ?? throw new PveApiException(500, $"Could not determine current size of volume '{volume}'");
        var relative = size.StartsWith('+');
        var requested = ConfigKeys.ParseSize(relative ? size[1..] : size)!.Value;
        var target = relative ? current + requested : requested;
        if (target < current)
        {
            throw new PveApiException(500, "unable to shrink disk size");
        }

        if (target == current)
        {
            throw new PveApiException(500, "disk is already at specified size");
        }

        return target;
    }

    private Task<JsonNode?> Migrate(ApiCall call)
    {
        var node = call.Node;
        var vmid = call.Vmid;
        var p = call.Parameters;
        var target = p.GetString("target") ?? throw PveApiException.InvalidParameter("target", "property is missing and it is not optional");
        if (target == node)
        {
            throw PveApiException.InvalidParameter("target", "target is local node.");
        }

        if (Cluster.FindNode(target) is null)
        {
            throw new PveApiException(500, $"no such cluster node '{target}'");
        }

        var container = Cluster.ViewContainer(vmid) is { } found && found.Node == node ? found : throw PveApiException.ConfigMissing(node, vmid);
        var online = p.GetBoolean("online") == true;
        var restart = p.GetBoolean("restart") == true;
        if (container.Running && !online && !restart)
        {
            throw new PveApiException(500, "can't migrate running container without --online or --restart");
        }

        if (container.HaManaged)
        {
            // ha-manager migrate: the task only queues the request; the CRM moves the CT later.
            var request = services.Runner.Create(node, "hamigrate", vmid, call.Token);
            services.Runner.RunLater(request, services.Options.TaskDuration < TimeSpan.FromMilliseconds(100) ? services.Options.TaskDuration : TimeSpan.FromMilliseconds(100), () => null,
                () => services.Runner.RunLater(request, services.Options.HaDelay, () =>
                {
                    Cluster.TryChange(vmid, live => live.Node = target);
                    return null;
                }));
            return Task.FromResult<JsonNode?>(JsonValue.Create(request.Upid));
        }

        var task = services.Runner.Create(node, "vzmigrate", vmid, call.Token);
        var wasRunning = container.Running;
        var restartOnTarget = false;
        var shutdown = TimeSpan.FromSeconds(p.GetInteger("timeout") ?? 180);
        services.Runner.RunWorker(
            task,
            vmid,
            () =>
            {
                var now = Cluster.ViewContainer(vmid);
                if (now is null || now.Node != node)
                {
                    return PveApiException.ConfigMissing(node, vmid).Message;
                }

                if (now.Lock is { } held)
                {
                    return $"CT is locked ({held})";
                }

                if (online && now.Running)
                {
                    return "lxc live migration is currently not implemented";
                }

                // Restart mode shuts the CT down in prepare(), before phase 1 sets the lock (§8): from here until the
                // task ends PVE shows it stopped with lock migrate. The stop applies what was pending.
                Cluster.TryChangeOnNode(vmid, node, live =>
                {
                    if (live.Running)
                    {
                        Cluster.MarkRunning(live, false);
                        restartOnTarget = true;
                    }

                    live.Lock = "migrate";
                });
                return null;
            },
            () => services.Options.TaskDuration + (wasRunning ? Min(container.ShutdownDuration, shutdown) : TimeSpan.Zero),
            () =>
            {
                var moved = Cluster.TryChangeOnNode(vmid, node, live =>
                {
                    // Restart mode: started again on the target once the config moved there.
                    live.Lock = null;
                    live.Node = target;
                    if (restartOnTarget)
                    {
                        Cluster.MarkRunning(live, true);
                    }
                });
                return moved ? null : PveApiException.ConfigMissing(node, vmid).Message;
            });
        return Task.FromResult<JsonNode?>(JsonValue.Create(task.Upid));
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    /// <summary>pve-configid-list: separated by ',', ';', whitespace or NUL.</summary>
    private static List<string> IdList(string? value) =>
        value is null ? [] : value.Split([',', ';', ' ', '\t', '\n', '\0'], StringSplitOptions.RemoveEmptyEntries).Distinct(StringComparer.Ordinal).ToList();

    [GeneratedRegex(@"^(?<storage>[^:\s]+):(?<size>\d+(\.\d+)?)$")]
    private static partial Regex NewVolumePattern();

    [GeneratedRegex(@"^\+?\d+(\.\d+)?[KMGT]?$")]
    private static partial Regex ResizePattern();
}
