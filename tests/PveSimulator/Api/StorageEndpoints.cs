using System.Globalization;
using System.Text.Json.Nodes;
using PveSimulator.Config;

namespace PveSimulator.Api;

/// <summary>GET /nodes/{node}/storage, .../storage/{storage}/content and GET /cluster/nextid.</summary>
internal sealed class StorageEndpoints(SimulatorServices services)
{
    // datacenter.cfg next-id defaults.
    private const int NextIdLower = 100;
    private const int NextIdUpper = 1_000_000;

    private static readonly string[] ContentTypes = ["images", "rootdir", "vztmpl", "iso", "backup", "snippets", "import"];

    public IEnumerable<ApiEndpoint> All() =>
    [
        new("GET", "/nodes/{node}/storage", EndpointScope.Node, RequiredAccess.Authenticated, List)
        {
            Parameters =
            [
                new ParameterSpec("content", ParameterType.String),
                new ParameterSpec("storage", ParameterType.String),
                new ParameterSpec("enabled", ParameterType.Boolean),
                new ParameterSpec("target", ParameterType.String),
                new ParameterSpec("format", ParameterType.Boolean),
            ],
        },
        new("GET", "/nodes/{node}/storage/{storage}/content", EndpointScope.Node, RequiredAccess.Authenticated, Content)
        {
            Parameters = [new ParameterSpec("content", ParameterType.String, AllowedValues: ContentTypes), new ParameterSpec("vmid", ParameterType.Integer, Minimum: 100)],
        },
        new("GET", "/cluster/nextid", EndpointScope.Cluster, RequiredAccess.Authenticated, NextId)
        {
            Parameters = [new ParameterSpec("vmid", ParameterType.Integer, Minimum: 100)],
        },
    ];

    /// <summary>Datastore.Audit or Datastore.AllocateSpace on /storage/{id}: what lets a user see a storage.</summary>
    public static bool CanSee(Model.ApiToken token) => token.Has("Datastore.Audit") || token.Has("Datastore.AllocateSpace");

    private Task<JsonNode?> List(ApiCall call)
    {
        var wanted = call.Parameters.GetString("content")?.Split([',', ';', ' '], StringSplitOptions.RemoveEmptyEntries);
        var only = call.Parameters.GetString("storage");
        var enabledOnly = call.Parameters.GetBoolean("enabled") == true;
        var target = call.Parameters.GetString("target");
        var storages = services.Cluster.Storages.Where(s => s.IsOn(call.Node)).ToArray();
        if (only is not null && storages.All(s => s.Id != only))
        {
            throw PveApiException.InvalidParameter("storage", "No such storage.");
        }

        var used = UsedBytesByStorage();
        var entries = new JsonArray();
        foreach (var storage in storages)
        {
            if ((only is not null && storage.Id != only)
                || !CanSee(call.Token)
                || (wanted is not null && (!storage.Enabled || !wanted.Any(storage.HasContent)))
                || (enabledOnly && !storage.Enabled)
                || (target is not null && (!storage.Shared || !storage.IsOn(target))))
            {
                continue;
            }

            var active = storage.Enabled;
            var usedBytes = active ? storage.UsedBytes + used.GetValueOrDefault(storage.Id) : 0;
            var total = active ? storage.TotalBytes : 0;
            var entry = new JsonObject
            {
                ["storage"] = storage.Id,
                ["type"] = storage.Type,
                ["content"] = string.Join(',', storage.Content),
                ["shared"] = storage.Shared ? 1 : 0,
                ["enabled"] = storage.Enabled ? 1 : 0,
                ["active"] = active ? 1 : 0,
                ["total"] = total,
                ["used"] = usedBytes,
                ["avail"] = Math.Max(0, total - usedBytes),
            };
            if (total > 0)
            {
                entry["used_fraction"] = (double)usedBytes / total;
            }

            entries.Add(entry);
        }

        return Task.FromResult<JsonNode?>(entries);
    }

    private Task<JsonNode?> Content(ApiCall call)
    {
        var id = call.Route("storage");
        var storage = services.Cluster.FindStorage(id) ?? throw new PveApiException(500, $"storage '{id}' does not exist");
        if (!CanSee(call.Token))
        {
            throw PveApiException.PermissionDenied($"/storage/{id}", "Datastore.Audit|Datastore.AllocateSpace");
        }

        if (!storage.IsOn(call.Node))
        {
            throw new PveApiException(500, $"storage '{id}' is not available on node '{call.Node}'");
        }

        if (!storage.Enabled)
        {
            throw new PveApiException(500, $"storage '{id}' is disabled");
        }

        var content = call.Parameters.GetString("content");
        var vmid = call.Parameters.GetInteger("vmid");
        var entries = new List<JsonObject>();
        var ctime = services.BootTime.ToUnixTimeSeconds();
        // Templates are listed only without a vmid filter.
        if (vmid is null && content is null or "vztmpl" && storage.HasContent("vztmpl"))
        {
            foreach (var template in storage.Templates)
            {
                entries.Add(new JsonObject
                {
                    ["volid"] = $"{id}:vztmpl/{template.FileName}",
                    ["format"] = template.Format,
                    ["size"] = template.SizeBytes,
                    ["ctime"] = ctime,
                    ["content"] = "vztmpl",
                });
            }
        }

        if (content is null or "rootdir")
        {
            foreach (var container in services.Cluster.ViewContainers())
            {
                if (vmid is { } only && container.Vmid != only)
                {
                    continue;
                }

                foreach (var volume in DiskVolume.In(container.Config.Current).Where(v => v.Storage == id))
                {
                    entries.Add(new JsonObject
                    {
                        ["volid"] = volume.VolumeId,
                        ["format"] = storage.Type is "zfspool" or "btrfs" ? "subvol" : "raw",
                        ["size"] = volume.SizeBytes,
                        ["vmid"] = container.Vmid,
                        ["ctime"] = ctime,
                        ["content"] = "rootdir",
                    });
                }
            }
        }

        var sorted = new JsonArray();
        foreach (var entry in entries.OrderBy(e => e["volid"]!.GetValue<string>(), StringComparer.OrdinalIgnoreCase))
        {
            sorted.Add(entry);
        }

        return Task.FromResult<JsonNode?>(sorted);
    }

    private Task<JsonNode?> NextId(ApiCall call)
    {
        var used = services.Cluster.ViewContainers().Select(c => c.Vmid).ToHashSet();
        if (call.Parameters.GetInteger("vmid") is { } asked)
        {
            if (used.Contains((int)Math.Min(asked, int.MaxValue)))
            {
                // The text says VM even for containers.
                throw PveApiException.InvalidParameter("vmid", $"VM {asked} already exists");
            }

            return Task.FromResult<JsonNode?>(JsonValue.Create(asked.ToString(CultureInfo.InvariantCulture)));
        }

        for (var id = NextIdLower; id < NextIdUpper; id++)
        {
            if (!used.Contains(id))
            {
                // Returned as a string: the value was last used as a Perl hash key.
                return Task.FromResult<JsonNode?>(JsonValue.Create(id.ToString(CultureInfo.InvariantCulture)));
            }
        }

        throw new PveApiException(500, $"unable to get any free VMID in range [{NextIdLower}, {NextIdUpper}]");
    }

    private Dictionary<string, long> UsedBytesByStorage() =>
        services.Cluster.ViewContainers()
            .SelectMany(c => DiskVolume.In(c.Config.Current))
            .GroupBy(v => v.Storage, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Sum(v => v.SizeBytes), StringComparer.Ordinal);
}
