using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using PveSimulator.Config;
using PveSimulator.Model;
using PveSimulator.Tasks;

namespace PveSimulator.Api;

/// <summary>
/// Create, clone, template conversion and destroy of CTs (lifecycle reference §1, §3, §6): synchronous checks in
/// PVE's order, the config file written before the UPID is answered, and vzcreate/vzclone/vztemplate/vzdestroy tasks.
/// </summary>
internal sealed partial class LifecycleEndpoints(SimulatorServices services)
{
    private const int DefaultRootfsGb = 4;

    private static readonly IReadOnlyList<ParameterSpec> CreateOnlyParameters =
    [
        new("vmid", ParameterType.Integer, Minimum: 100),
        new("ostemplate", ParameterType.String),
        new("password", ParameterType.String),
        new("storage", ParameterType.String),
        new("force", ParameterType.Boolean),
        new("restore", ParameterType.Boolean),
        new("unique", ParameterType.Boolean),
        new("pool", ParameterType.String),
        new("ignore-unpack-errors", ParameterType.Boolean),
        new("ssh-public-keys", ParameterType.String),
        new("bwlimit", ParameterType.Integer, Minimum: 0),
        new("start", ParameterType.Boolean),
        new("ha-managed", ParameterType.Boolean),
    ];

    private SimulatedCluster Cluster => services.Cluster;
    private TaskRunner Runner => services.Runner;

    public IEnumerable<ApiEndpoint> All() =>
    [
        new("POST", "/nodes/{node}/lxc", EndpointScope.NodeDaemon, RequiredAccess.Authenticated, Create)
        {
            Parameters = [.. CreateOnlyParameters, .. ConfigRules.Parameters],
        },
        new("POST", "/nodes/{node}/lxc/{vmid}/clone", EndpointScope.NodeDaemon, RequiredAccess.Authenticated, Clone)
        {
            Parameters =
            [
                new("newid", ParameterType.Integer, Minimum: 100),
                new("hostname", ParameterType.String),
                new("description", ParameterType.String),
                new("pool", ParameterType.String),
                new("snapname", ParameterType.String),
                new("storage", ParameterType.String),
                new("full", ParameterType.Boolean),
                new("target", ParameterType.String),
                new("bwlimit", ParameterType.Integer, Minimum: 0),
            ],
        },
        new("POST", "/nodes/{node}/lxc/{vmid}/template", EndpointScope.NodeDaemon, RequiredAccess.VmAllocate, ToTemplate),
        new("DELETE", "/nodes/{node}/lxc/{vmid}", EndpointScope.NodeDaemon, RequiredAccess.VmAllocate, Destroy)
        {
            Parameters =
            [
                new("force", ParameterType.Boolean),
                new("purge", ParameterType.Boolean),
                new("destroy-unreferenced-disks", ParameterType.Boolean),
            ],
        },
    ];

    private Task<JsonNode?> Create(ApiCall call)
    {
        var node = call.Node;
        var p = call.Parameters;
        if (p.GetInteger("vmid") is { } countedVmid and >= 100 and <= 999_999_999)
        {
            services.Counters.CountLifecycleRequest((int)countedVmid, "create");
        }

        var missing = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var required in new[] { "vmid", "ostemplate" })
        {
            if (p.GetString(required) is null)
            {
                missing[required] = "property is missing and it is not optional";
            }
        }

        if (p.GetBoolean("unique") == true && p.GetBoolean("restore") != true)
        {
            missing["unique"] = "missing property required by 'unique'";
        }

        var (keys, errors) = ValidatedConfigKeys(p);
        foreach (var (key, error) in missing)
        {
            errors[key] = error;
        }

        if (errors.Count > 0)
        {
            throw PveApiException.InvalidParameters(errors);
        }

        var vmid = (int)p.GetInteger("vmid")!.Value;
        var template = p.GetString("ostemplate")!;
        var storageParameter = p.GetString("storage") ?? "local";
        // On create, unprivileged is 1 unless the request says otherwise.
        var requested = keys.ToDictionary(k => k.Key, k => (string?)k.Value, StringComparer.Ordinal);
        var unprivileged = !keys.TryGetValue("unprivileged", out var unprivilegedValue) || unprivilegedValue == "1";
        keys["unprivileged"] = unprivileged ? "1" : "0";

        if (!unprivileged)
        {
            ConfigPermissions.Require(call.Token, "/", "Sys.Modify");
        }

        if (p.GetBoolean("ha-managed") == true)
        {
            ConfigPermissions.Require(call.Token, "/", "Sys.Console");
        }

        // Checked before the permission: anyone learns that a vmid is taken.
        if (Cluster.ViewContainer(vmid) is { } existing)
        {
            throw AlreadyExists(vmid, existing.Node);
        }

        if (p.GetString("pool") is { } pool)
        {
            throw new PveApiException(403, $"Permission check failed (pool '{pool}' does not exist)");
        }

        if (!call.Token.Has("VM.Allocate"))
        {
            throw new PveApiException(403, "Permission check failed");
        }

        ConfigPermissions.Check(call.Token, vmid, requested, new Dictionary<string, string>(), !unprivileged);
        var templateVolume = CheckTemplateAccess(call.Token, template);

        if (!keys.ContainsKey("rootfs"))
        {
            if (keys.Keys.Any(ConfigKeys.IsMountPoint))
            {
                throw new PveApiException(500, "mount points configured, but 'rootfs' not set - aborting");
            }

            keys["rootfs"] = $"{storageParameter}:{DefaultRootfsGb}";
            ConfigPermissions.Require(call.Token, $"/storage/{storageParameter}", "Datastore.AllocateSpace");
        }

        var newVolumes = new List<(string Key, string Storage, long Bytes)>();
        foreach (var key in keys.Keys.Where(ConfigKeys.IsDisk).ToArray())
        {
            var value = keys[key];
            var volume = ConfigKeys.Volume(value)!;
            if (BareSizePattern().IsMatch(volume))
            {
                volume = $"{storageParameter}:{volume}";
                keys[key] = string.Join(',', new[] { volume }.Concat(value.Split(',').Skip(1)));
            }

            if (volume.StartsWith('/'))
            {
                throw new PveApiException(500, "Only root can pass arbitrary filesystem paths.");
            }

            if (NewVolumePattern().Match(volume) is { Success: true } match)
            {
                var storage = RequireDiskStorage(match.Groups["storage"].Value, node);
                var gib = double.Parse(match.Groups["size"].Value, CultureInfo.InvariantCulture);
                newVolumes.Add((key, storage.Id, (long)(gib * (1L << 30))));
            }
        }

        var container = new SimContainer { Vmid = vmid, Node = node };
        container.Config.Clear();
        container.Config.Set("lock", "create");
        if (!Cluster.TryAddNew(container, out var holder))
        {
            throw AlreadyExists(vmid, holder!);
        }

        var task = Runner.Create(node, p.GetBoolean("restore") == true ? "vzrestore" : "vzcreate", vmid, call.Token);
        var allocation = new AllocationPlan(services, newVolumes.Select(v => (v.Storage, v.Bytes)).ToArray());
        var start = p.GetBoolean("start") == true;
        var haManaged = p.GetBoolean("ha-managed") == true;
        // No flock for the task's length: the "create" lock value in the config is what keeps others out.
        Runner.RunWorker(
            task,
            lockedVmid: null,
            () => null,
            () => allocation.Reserve() + services.Options.TaskDuration,
            () =>
            {
                var failure = allocation.Failure ?? (templateVolume is null ? $"can't find file '{template}'" : null);
                if (failure is not null)
                {
                    // Disks freed and the config file deleted: the vmid is free again.
                    Cluster.RemoveIfSame(container);
                    return $"unable to create CT {vmid} - {failure}";
                }

                Cluster.WithContainer(vmid, live => ReferenceEquals(live, container) && Populate(live, keys, newVolumes, template, haManaged));
                return null;
            },
            // A separate vzstart task, as the API daemons fork nested workers asynchronously.
            start ? () => services.PowerActions.TrySubmitStart(node, vmid, call.Token) : null);
        return Task.FromResult<JsonNode?>(JsonValue.Create(task.Upid));
    }

    private bool Populate(SimContainer container, Dictionary<string, string> keys, List<(string Key, string Storage, long Bytes)> newVolumes, string template, bool haManaged)
    {
        var config = container.Config;
        config.Clear();
        var taken = new List<string>();
        foreach (var (key, value) in keys)
        {
            if (key == "unprivileged" && value == "0")
            {
                continue;
            }

            config.Set(key, ConfigKeys.IsNet(key) ? ConfigRules.CompleteNet(value) : value);
        }

        foreach (var (key, storageId, bytes) in newVolumes)
        {
            var storage = Cluster.FindStorage(storageId)!;
            var name = DiskVolume.NewName(storage.Type, container.Vmid, taken, subvolume: false);
            taken.Add(name);
            var rest = keys[key].Split(',').Skip(1).Where(o => !o.StartsWith("size=", StringComparison.Ordinal));
            var options = new[] { $"{storageId}:{name}" }.Concat(rest.Where(o => o.StartsWith("mp=", StringComparison.Ordinal)))
                .Concat(rest.Where(o => !o.StartsWith("mp=", StringComparison.Ordinal)).Append($"size={ConfigKeys.FormatSize(bytes)}").Order(StringComparer.Ordinal));
            config.Set(key, string.Join(',', options));
        }

        config.Set("arch", config.Get("arch") ?? "amd64");
        config.Set("ostype", config.Get("ostype") ?? OsTypeOf(template));
        config.Set("hostname", config.Get("hostname") ?? $"CT{container.Vmid}");
        config.Set("memory", config.Get("memory") ?? "512");
        config.Set("swap", config.Get("swap") ?? "512");
        container.HaManaged = haManaged;
        return true;
    }

    private Task<JsonNode?> Clone(ApiCall call)
    {
        var node = call.Node;
        var vmid = call.Vmid;
        var p = call.Parameters;
        if (p.GetInteger("newid") is not { } newIdValue)
        {
            throw PveApiException.InvalidParameter("newid", "property is missing and it is not optional");
        }

        var newId = (int)newIdValue;
        services.Counters.CountLifecycleRequest(newId, "clone");
        var hostname = p.GetString("hostname");
        if (hostname is not null && ConfigRules.Validate("hostname", hostname, out _) is { } hostnameError)
        {
            throw PveApiException.InvalidParameter("hostname", hostnameError);
        }

        var targetStorageId = p.GetString("storage");
        var target = p.GetString("target");
        ConfigPermissions.Require(call.Token, $"/vms/{vmid}", "VM.Clone");
        if (p.GetString("pool") is { } pool)
        {
            throw new PveApiException(403, $"Permission check failed (pool '{pool}' does not exist)");
        }

        ConfigPermissions.Require(call.Token, $"/vms/{newId}", "VM.Allocate");
        if (target is not null && Cluster.FindNode(target) is null)
        {
            throw new PveApiException(500, $"no such cluster node '{target}'");
        }

        SimStorage? targetStorage = null;
        if (targetStorageId is not null)
        {
            targetStorage = RequireEnabledStorage(targetStorageId, node);
            if (target is not null && !targetStorage.Shared)
            {
                throw new PveApiException(500, $"can't clone to non-shared storage '{targetStorageId}'");
            }
        }

        // set_lock(source, 'disk') under the source's config: missing or locked sources stop here.
        var source = Cluster.WithContainer(vmid, live =>
        {
            if (live.Node != node)
            {
                return null;
            }

            if (live.Lock is { } held)
            {
                throw new PveApiException(500, $"CT is locked ({held})");
            }

            var view = Cluster.ViewContainer(vmid);
            live.Lock = "disk";
            return view;
        }) ?? throw PveApiException.ConfigMissing(node, vmid);

        void ReleaseSource() => Cluster.WithContainer(vmid, live =>
        {
            if (live.Lock == "disk")
            {
                live.Lock = null;
            }

            return true;
        });

        SimContainer clone;
        List<(string Key, DiskVolume Source, string Storage)> disks;
        var full = p.GetBoolean("full") ?? !source.Template;
        try
        {
            disks = CloneVolumes(call.Token, source, full, targetStorageId, p.GetString("snapname"), target);
            clone = new SimContainer { Vmid = newId, Node = node };
            clone.Config.Clear();
            foreach (var (key, value) in source.Config.Current)
            {
                if (key is "lock" or "template" or "parent" or "snaptime")
                {
                    continue;
                }

                // Every netN gets a new random MAC.
                clone.Config.Set(key, ConfigKeys.IsNet(key) ? ConfigKeys.WithOption(value, "hwaddr", ConfigRules.RandomMac()) : value);
            }

            foreach (var line in clone.Config.Current.Where(c => ConfigKeys.IsNet(c.Key)).Select(c => c.Value))
            {
                ConfigPermissions.CheckBridge(call.Token, line);
            }

            if (hostname is not null)
            {
                clone.Config.Set("hostname", hostname);
            }

            if (p.GetString("description") is { } description)
            {
                clone.Config.Set("description", description);
            }

            clone.Config.Set("lock", "create");
            if (!Cluster.TryAddNew(clone, out var holder))
            {
                throw AlreadyExists(newId, holder!);
            }
        }
        catch
        {
            ReleaseSource();
            throw;
        }

        var task = Runner.Create(node, "vzclone", vmid, call.Token);
        var allocation = new AllocationPlan(services, disks.Select(d => (d.Storage, d.Source.SizeBytes)).ToArray());
        // As for create: the "disk" and "create" lock values guard source and clone, not a flock.
        Runner.RunWorker(
            task,
            lockedVmid: null,
            () => null,
            () => allocation.Reserve() + services.Options.TaskDuration,
            () =>
            {
                ReleaseSource();
                if (allocation.Failure is { } failure)
                {
                    Cluster.RemoveIfSame(clone);
                    return $"clone failed: {failure}";
                }

                Cluster.WithContainer(newId, live =>
                {
                    if (!ReferenceEquals(live, clone))
                    {
                        return false;
                    }

                    var taken = new List<string>();
                    foreach (var (key, sourceVolume, storageId) in disks)
                    {
                        var storage = Cluster.FindStorage(storageId);
                        var name = DiskVolume.NewName(storage?.Type ?? "lvmthin", newId, taken, subvolume: false);
                        taken.Add(name);
                        var volumeName = full ? name : $"{sourceVolume.VolumeName}/{name}";
                        var options = live.Config.Get(key)!.Split(',').Skip(1);
                        live.Config.Set(key, string.Join(',', new[] { $"{storageId}:{volumeName}" }.Concat(options)));
                    }

                    live.Lock = null;
                    if (target is not null)
                    {
                        live.Node = target;
                    }

                    return true;
                });
                return null;
            });
        return Task.FromResult<JsonNode?>(JsonValue.Create(task.Upid));
    }

    private List<(string Key, DiskVolume Source, string Storage)> CloneVolumes(ApiToken token, ContainerView source, bool full, string? targetStorage, string? snapshot, string? target)
    {
        if (!full && targetStorage is not null)
        {
            throw new PveApiException(500, "parameter 'storage' not allowed for linked clones");
        }

        if (snapshot is not null)
        {
            throw new PveApiException(500, $"snapshot '{snapshot}' does not exist");
        }

        if (full && source.Running)
        {
            throw new PveApiException(500, "Full clone of a running container is only possible from a snapshot");
        }

        var disks = new List<(string, DiskVolume, string)>();
        foreach (var volume in DiskVolume.In(source.Config.Current).Where(v => ConfigKeys.IsDisk(v.Key)))
        {
            var storage = Cluster.FindStorage(volume.Storage);
            if (!full && (storage is null || !storage.SupportsLinkedClone || !volume.VolumeName.StartsWith("base-", StringComparison.Ordinal)))
            {
                throw new PveApiException(500, $"Linked clone feature for '{volume.VolumeId}' is not available");
            }

            if (target is not null && storage is not { Shared: true })
            {
                throw new PveApiException(500, $"can't clone CT to node '{target}' (CT uses local storage)");
            }

            var destination = full ? targetStorage ?? volume.Storage : volume.Storage;
            ConfigPermissions.Require(token, $"/storage/{destination}", "Datastore.AllocateSpace");
            disks.Add((volume.Key, volume, destination));
        }

        return disks;
    }

    private Task<JsonNode?> ToTemplate(ApiCall call)
    {
        var node = call.Node;
        var vmid = call.Vmid;
        var container = Cluster.ViewContainer(vmid) is { } found && found.Node == node ? found : throw PveApiException.ConfigMissing(node, vmid);
        if (container.Lock is { } held)
        {
            throw new PveApiException(500, $"CT is locked ({held})");
        }

        if (container.Template)
        {
            throw new PveApiException(500, "you can't convert a template to a template");
        }

        if (container.Running)
        {
            throw new PveApiException(500, "you can't convert a CT to template if the CT is running");
        }

        // The API answers null; the vztemplate task still runs (its UPID is only in the task list).
        var task = Runner.Create(node, "vztemplate", vmid, call.Token);
        Runner.RunWorker(task, vmid, () => null, () => services.Options.TaskDuration, () =>
            Cluster.WithContainer(vmid, live =>
            {
                foreach (var volume in DiskVolume.In(live.Config.Current).Where(v => ConfigKeys.IsDisk(v.Key)).ToArray())
                {
                    var baseName = volume.VolumeName.Replace("vm-", "base-", StringComparison.Ordinal).Replace("subvol-", "basevol-", StringComparison.Ordinal);
                    var options = live.Config.Get(volume.Key)!.Split(',').Skip(1);
                    live.Config.Set(volume.Key, string.Join(',', new[] { $"{volume.Storage}:{baseName}" }.Concat(options)));
                }

                live.Template = true;
                return (string?)null;
            }) ?? (Cluster.ViewContainer(vmid) is null ? PveApiException.ConfigMissing(node, vmid).Message : null));
        return Task.FromResult<JsonNode?>(null);
    }

    private Task<JsonNode?> Destroy(ApiCall call)
    {
        var node = call.Node;
        var vmid = call.Vmid;
        var p = call.Parameters;
        var force = p.GetBoolean("force") == true;
        var purge = p.GetBoolean("purge") == true;
        services.Counters.CountLifecycleRequest(vmid, "destroy");
        foreach (var flag in new[] { "force", "purge", "destroy-unreferenced-disks" }.Where(f => p.GetBoolean(f) == true))
        {
            services.Counters.CountLifecycleRequest(vmid, $"destroy+{flag}");
        }

        var container = Cluster.ViewContainer(vmid) is { } found && found.Node == node ? found : throw PveApiException.ConfigMissing(node, vmid);
        CheckDestroyable(container, force, purge);

        var task = Runner.Create(node, "vzdestroy", vmid, call.Token);
        var volumes = DiskVolume.In(container.Config.Current).Concat(DiskVolume.In(container.Config.Pending)).ToArray();
        var allocation = new AllocationPlan(services, volumes.Select(v => (v.Storage, v.SizeBytes)).ToArray());
        Runner.RunWorker(
            task,
            vmid,
            () =>
            {
                // Re-checked under the flock: the CT may have changed while the task waited.
                var now = Cluster.ViewContainer(vmid);
                if (now is null || now.Node != node)
                {
                    return PveApiException.ConfigMissing(node, vmid).Message;
                }

                try
                {
                    CheckDestroyable(now, force, purge);
                }
                catch (PveApiException refused)
                {
                    return refused.Message;
                }

                if (force && now.Running)
                {
                    task.Log($"forced to stop CT {vmid} before destroying!");
                    Cluster.TryChangeOnNode(vmid, node, live => Cluster.MarkRunning(live, false));
                }

                return null;
            },
            () => allocation.Reserve() + services.Options.TaskDuration,
            () =>
            {
                if (allocation.Failure is { } failure)
                {
                    return failure;
                }

                Cluster.RemoveContainer(vmid);
                return null;
            });
        return Task.FromResult<JsonNode?>(JsonValue.Create(task.Upid));
    }

    private static void CheckDestroyable(ContainerView container, bool force, bool purge)
    {
        var vmid = container.Vmid;
        if (container.Config.Get("protection") == "1")
        {
            throw new PveApiException(500, $"can't remove CT {vmid} - protection mode enabled");
        }

        if (container.Lock is { } held)
        {
            throw new PveApiException(500, $"CT is locked ({held})");
        }

        if (container.HaManaged && !purge)
        {
            throw new PveApiException(500, $"unable to remove CT {vmid} - used in HA resources and purge parameter not set.");
        }

        if (container.Running && !force)
        {
            throw new PveApiException(500, $"unable to destroy CT {vmid} - container is running");
        }
    }

    /// <summary>Every config key of the request, validated and in PVE's normal form; errors keyed by parameter.</summary>
    internal static (Dictionary<string, string> Keys, Dictionary<string, string> Errors) ValidatedConfigKeys(RequestParameters parameters)
    {
        var keys = new Dictionary<string, string>(StringComparer.Ordinal);
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in parameters.Names.Where(ConfigRules.IsConfigKey))
        {
            var value = parameters.GetString(name) ?? "";
            if (ConfigRules.Validate(name, value, out var normalized) is { } error)
            {
                errors[name] = error;
            }
            else
            {
                keys[name] = normalized;
            }
        }

        return (keys, errors);
    }

    /// <summary>check_volume_access for an ostemplate; null when the volid is well-formed but the file is absent.</summary>
    private SimTemplateVolume? CheckTemplateAccess(ApiToken token, string volid)
    {
        var colon = volid.IndexOf(':');
        if (colon <= 0)
        {
            if (volid.StartsWith('/'))
            {
                throw new PveApiException(403, "Permission check failed (only root can use absolute paths)");
            }

            throw PveApiException.InvalidParameter("ostemplate", "invalid format - unable to parse volume ID '" + volid + "'");
        }

        var storageId = volid[..colon];
        var volumeName = volid[(colon + 1)..];
        var storage = Cluster.FindStorage(storageId) ?? throw new PveApiException(500, $"storage '{storageId}' does not exist");
        if (!volumeName.StartsWith("vztmpl/", StringComparison.Ordinal))
        {
            throw new PveApiException(500, $"unable to use volume {volid} - content type needs to be 'vztmpl'");
        }

        if (!TemplateNamePattern().IsMatch(volumeName))
        {
            throw new PveApiException(500, $"unable to parse directory volume name '{volumeName}'");
        }

        if (!token.Has("Datastore.Allocate") && !token.Has("Datastore.AllocateSpace") && !token.Has("Datastore.Audit"))
        {
            throw PveApiException.PermissionDenied($"/storage/{storageId}", "Datastore.AllocateSpace|Datastore.Audit");
        }

        var file = volumeName["vztmpl/".Length..];
        return storage.Templates.FirstOrDefault(t => t.FileName == file);
    }

    private SimStorage RequireEnabledStorage(string id, string node)
    {
        var storage = Cluster.FindStorage(id) ?? throw new PveApiException(500, $"storage '{id}' does not exist");
        if (!storage.Enabled)
        {
            throw new PveApiException(500, $"storage '{id}' is disabled");
        }

        return storage.IsOn(node) ? storage : throw new PveApiException(500, $"storage '{id}' is not available on node '{node}'");
    }

    private SimStorage RequireDiskStorage(string id, string node)
    {
        var storage = RequireEnabledStorage(id, node);
        return storage.HasContent("rootdir")
            ? storage
            : throw PveApiException.InvalidParameter("storage", $"storage '{id}' does not support container directories");
    }

    private static PveApiException AlreadyExists(int vmid, string node) => new(500, $"CT {vmid} already exists on node '{node}'");

    private static string OsTypeOf(string template)
    {
        var file = template[(template.LastIndexOf('/') + 1)..];
        var distribution = file.Split('-', '_')[0].ToLowerInvariant();
        return distribution is "debian" or "ubuntu" or "alpine" or "centos" or "fedora" or "archlinux" or "devuan" or "gentoo" or "opensuse" or "nixos"
            ? distribution
            : "unmanaged";
    }

    [GeneratedRegex(@"^(?<storage>[^:\s]+):(?<size>\d+(\.\d+)?)$")]
    private static partial Regex NewVolumePattern();

    [GeneratedRegex(@"^\d+(\.\d+)?$")]
    private static partial Regex BareSizePattern();

    [GeneratedRegex(@"^vztmpl/[^/]+\.tar(\.(gz|xz|zst|bz2))?$", RegexOptions.IgnoreCase)]
    private static partial Regex TemplateNamePattern();
}
