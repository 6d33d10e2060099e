using System.Text.Json.Nodes;
using PveSimulator.Model;

namespace PveSimulator.Api;

/// <summary>GET /nodes/{node}/status and the node's container list.</summary>
internal sealed class NodeEndpoints(SimulatorServices services)
{
    public IEnumerable<ApiEndpoint> All() =>
    [
        new("GET", "/nodes/{node}/status", EndpointScope.Node, RequiredAccess.SysAuditOnNode, Status),
        new("GET", "/nodes/{node}/lxc", EndpointScope.NodeDaemon, RequiredAccess.Authenticated, Containers),
    ];

    private Task<JsonNode?> Status(ApiCall call)
    {
        var node = services.Cluster.FindNode(call.Node)!;
        var stats = NodeStats.For(node, services.Cluster.ViewContainers(), services.BootTime, services.Now);
        var release = services.Release;
        var status = new JsonObject
        {
            ["cpu"] = stats.Cpu,
            ["wait"] = 0,
            ["idle"] = 0,
            ["uptime"] = stats.Uptime,
            ["loadavg"] = new JsonArray("0.08", "0.05", "0.01"),
            ["memory"] = new JsonObject { ["total"] = stats.MaxMem, ["used"] = stats.Mem, ["free"] = stats.MaxMem - stats.Mem },
            ["swap"] = new JsonObject { ["total"] = 0, ["used"] = 0, ["free"] = 0 },
            ["rootfs"] = new JsonObject { ["total"] = stats.MaxDisk, ["used"] = stats.Disk, ["free"] = stats.MaxDisk - stats.Disk, ["avail"] = stats.MaxDisk - stats.Disk },
            ["ksm"] = new JsonObject { ["shared"] = 0 },
            ["cpuinfo"] = new JsonObject
            {
                ["model"] = "Intel(R) Core(TM) i7-6700 CPU @ 3.40GHz",
                ["cpus"] = stats.MaxCpu,
                ["cores"] = stats.MaxCpu / 2,
                ["sockets"] = 1,
                ["mhz"] = "3400.000",
                ["hvm"] = "1",
                ["user_hz"] = 100,
                ["flags"] = "fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat pse36 clflush mmx fxsr sse sse2 ht syscall nx lm vmx aes avx avx2",
            },
            ["kversion"] = $"Linux {release.KernelRelease} {release.KernelBuild}",
            ["pveversion"] = release.ManagerVersion,
        };

        if (release.Mode != PveVersionMode.Pve7)
        {
            status["memory"]!["available"] = stats.MaxMem - stats.Mem;
            status["current-kernel"] = new JsonObject
            {
                ["sysname"] = "Linux",
                ["release"] = release.KernelRelease,
                ["version"] = release.KernelBuild,
                ["machine"] = "x86_64",
            };
            status["boot-info"] = new JsonObject { ["mode"] = "efi", ["secureboot"] = 0 };
        }

        return Task.FromResult<JsonNode?>(status);
    }

    private Task<JsonNode?> Containers(ApiCall call)
    {
        var now = services.Now;
        var entries = new JsonArray();
        foreach (var container in services.Cluster.ViewContainers())
        {
            // The list holds what the user may audit; others are left out silently, not refused.
            if (container.Node == call.Node && call.Token.Has("VM.Audit"))
            {
                entries.Add(ContainerJson.StatusEntry(container, services.Release, now, services.Release.ListsVmidAsString));
            }
        }

        return Task.FromResult<JsonNode?>(entries);
    }
}
