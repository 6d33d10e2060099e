using System.Text.RegularExpressions;
using PveSimulator;
using PveSimulator.Admin;
using PveSimulator.Cli;

namespace PveOperator.Tests.Simulator;

public sealed partial class StandaloneProgramTests
{
    [Fact]
    public void Scenario_example_of_the_README_loads_into_a_cluster()
    {
        var readme = File.ReadAllText(Path.Combine(RepositoryRoot(), "tests", "PveSimulator", "README.md"));
        var json = ScenarioExample().Match(readme).Groups[1].Value;
        var path = Path.GetTempFileName();
        File.WriteAllText(path, json);
        var cluster = new SimulatedCluster();

        try
        {
            ScenarioFile.Load(path).ApplyTo(cluster);
        }
        finally
        {
            File.Delete(path);
        }

        Assert.Equal(["pve1", "pve2"], cluster.NodeNames);
        Assert.Equal(5, cluster.Containers.Count);
        Assert.True(cluster.GetContainer(102)!.HaManaged);
        Assert.Equal("192.168.2.53/24", cluster.GetContainer(102)!.DhcpAddresses["eth1"]);
        Assert.Equal("pve1", cluster.GetContainer(103)!.Node);
        Assert.Equal("backup", cluster.GetContainer(103)!.Lock);
        Assert.Equal(TimeSpan.FromSeconds(90), cluster.GetContainer(103)!.ShutdownDuration);
        Assert.Contains("hwaddr=BC:24:11:", cluster.GetContainer(101)!.Net["net0"], StringComparison.Ordinal);
        Assert.True(cluster.GetContainer(900)!.Template);
        Assert.Equal("1", cluster.GetContainer(103)!.Config.Get("protection"));
        Assert.Equal(["local", "local-lvm", "nfs-shared"], cluster.Storages.Select(s => s.Id).Order(StringComparer.Ordinal));
        Assert.Equal("debian-12-standard_12.7-1_amd64.tar.zst", Assert.Single(cluster.FindStorage("local")!.Templates).FileName);
        Assert.True(cluster.FindStorage("nfs-shared")!.Shared);
        Assert.False(cluster.FindStorage("nfs-shared")!.IsOn("pve3"));
    }

    [Fact]
    public void Command_line_flags_are_parsed()
    {
        var parsed = CommandLine.Parse(["--port", "0", "--nodes", "2", "--version", "7", "--containers", "4", "--standalone",
            "--token-id", "ops@pve!demo", "--token-secret", "s", "--task-duration-ms", "50", "--max-parallel-tasks", "4", "--info-file", "/tmp/x.json"]);

        Assert.Equal(0, parsed.Port);
        Assert.Equal(2, parsed.Nodes);
        Assert.Equal(PveVersionMode.Pve7, parsed.Version);
        Assert.Equal(4, parsed.Containers);
        Assert.True(parsed.Standalone);
        Assert.Equal("ops@pve!demo", parsed.TokenId);
        Assert.Equal(50, parsed.TaskDurationMs);
        Assert.Equal(4, parsed.MaxParallelTasks);
        Assert.Equal("/tmp/x.json", parsed.InfoFile);
        Assert.Throws<FormatException>(() => CommandLine.Parse(["--bogus"]));
        Assert.Throws<FormatException>(() => CommandLine.Parse(["--version", "6"]));
    }

    [Fact]
    public void Demo_seeding_spreads_named_containers_with_dhcp_or_static_addresses()
    {
        var cluster = new SimulatedCluster();

        DemoSeeder.Seed(cluster, nodes: 3, containers: 8, standalone: false);

        Assert.Equal(["pve1", "pve2", "pve3"], cluster.NodeNames);
        Assert.Equal(8, cluster.Containers.Count);
        Assert.All(cluster.Containers, c => Assert.False(string.IsNullOrEmpty(c.Name)));
        Assert.Contains(cluster.Containers, c => c.Net["net0"].Contains("ip=dhcp", StringComparison.Ordinal) && c.DhcpAddresses.ContainsKey("eth0"));
        Assert.Contains(cluster.Containers, c => c.Net["net0"].Contains("ip=192.168.100.", StringComparison.Ordinal));
        Assert.Contains(cluster.Containers, c => c.Running);
        Assert.Contains(cluster.Containers, c => !c.Running);
    }

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "PveOperator.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("repository root not found");
    }

    [GeneratedRegex(@"## Scenario file\s+```json\s*(.*?)```", RegexOptions.Singleline)]
    private static partial Regex ScenarioExample();
}
