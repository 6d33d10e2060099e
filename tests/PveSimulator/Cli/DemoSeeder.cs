using System.Globalization;
using PveSimulator.Admin;

namespace PveSimulator.Cli;

/// <summary>Fills a cluster for the standalone program when no scenario file is given.</summary>
internal static class DemoSeeder
{
    private static readonly string[] Roles = ["web", "db", "cache", "proxy", "worker", "dns", "mqtt", "git", "media", "backup"];

    public static void Seed(SimulatedCluster cluster, int nodes, int containers, bool standalone)
    {
        var names = standalone
            ? ["pve"]
            : Enumerable.Range(1, nodes).Select(i => string.Create(CultureInfo.InvariantCulture, $"pve{i}")).ToArray();
        foreach (var name in names)
        {
            // Loopback: a client that connects to node addresses reaches the simulator, never another host.
            cluster.AddNode(name, "127.0.0.1");
        }

        for (var i = 0; i < containers; i++)
        {
            var vmid = 100 + i;
            var spec = new ContainerSpec
            {
                Vmid = vmid,
                Node = names[i % names.Length],
                Name = string.Create(CultureInfo.InvariantCulture, $"{Roles[i % Roles.Length]}-{i / Roles.Length + 1}"),
                // Two of three run, so the demo has both states to reconcile.
                Running = i % 3 != 2,
                Net = i % 4 == 3 ? StaticNet(vmid, i) : null,
            };
            cluster.AddContainer(spec.ToContainer(names[0]));
        }
    }

    private static Dictionary<string, string> StaticNet(int vmid, int index) => new()
    {
        ["net0"] = string.Create(CultureInfo.InvariantCulture, $"name=eth0,bridge=vmbr0,gw=192.168.100.1,hwaddr={Api.ContainerJson.GeneratedMac(vmid, 0)},ip=192.168.100.{10 + index % 240}/24,type=veth"),
    };
}
