using System.Net;

namespace PveOperator.Tests.Simulator;

public sealed class PermissionTests
{
    private const string AuditorHeader = "PVEAPIToken=auditor@pve!ro=secret";
    private const string NobodyHeader = "PVEAPIToken=nobody@pve!none=secret";

    [Fact]
    public async Task Power_action_without_VM_PowerMgmt_is_403_naming_path_and_privilege()
    {
        await using var host = await SimulatorTestHost.StartAsync();
        host.Cluster.AddToken("auditor@pve!ro", "secret", "VM.Audit");
        using var auditor = host.CreateClient(AuditorHeader);

        var response = await host.PostAsync($"/nodes/pve1/lxc/{SimulatorTestHost.StoppedCt}/status/start", client: auditor);

        Assert.Equal(HttpStatusCode.Forbidden, response.Status);
        Assert.Equal($"Permission check failed (/vms/{SimulatorTestHost.StoppedCt}, VM.PowerMgmt)", response.Reason);
        Assert.Null(response.Data);
        Assert.Equal($"Permission check failed (/vms/{SimulatorTestHost.StoppedCt}, VM.PowerMgmt)\n", response.Body!["message"]!.GetValue<string>());
        Assert.False(host.Cluster.GetContainer(SimulatorTestHost.StoppedCt)!.Running);
    }

    [Fact]
    public async Task Each_endpoint_checks_its_privilege_on_its_path()
    {
        await using var host = await SimulatorTestHost.StartAsync();
        host.Cluster.AddToken("auditor@pve!ro", "secret", "VM.Audit");
        host.Cluster.AddToken("nobody@pve!none", "secret");
        using var auditor = host.CreateClient(AuditorHeader);
        using var nobody = host.CreateClient(NobodyHeader);

        Assert.Equal("Permission check failed (/, Sys.Audit)", (await host.GetAsync("/cluster/status", auditor)).Reason);
        Assert.Equal("Permission check failed (/nodes/pve1, Sys.Audit)", (await host.GetAsync("/nodes/pve1/status", auditor)).Reason);
        Assert.Equal("Permission check failed (/vms/100, VM.Audit)", (await host.GetAsync("/nodes/pve1/lxc/100/config", nobody)).Reason);
        Assert.Equal("Permission check failed (/vms/100, VM.Audit)", (await host.GetAsync("/nodes/pve1/lxc/100/status/current", nobody)).Reason);
        Assert.Equal(HttpStatusCode.OK, (await host.GetAsync("/version", nobody)).Status);
    }

    [Fact]
    public async Task Lists_leave_out_guests_without_VM_Audit()
    {
        await using var host = await SimulatorTestHost.StartAsync();
        host.Cluster.AddToken("nobody@pve!none", "secret");
        host.Cluster.AddToken("auditor@pve!ro", "secret", "VM.Audit");
        using var nobody = host.CreateClient(NobodyHeader);
        using var auditor = host.CreateClient(AuditorHeader);

        var hiddenList = await host.GetAsync("/nodes/pve1/lxc", nobody);
        var hiddenResources = await host.GetAsync("/cluster/resources?type=vm", nobody);
        var visibleList = await host.GetAsync("/nodes/pve1/lxc", auditor);

        Assert.Equal(HttpStatusCode.OK, hiddenList.Status);
        Assert.Empty(hiddenList.Data!.AsArray());
        Assert.Empty(hiddenResources.Data!.AsArray());
        Assert.Equal(2, visibleList.Data!.AsArray().Count);
    }

    [Fact]
    public async Task Nodes_hide_stats_without_Sys_Audit()
    {
        await using var host = await SimulatorTestHost.StartAsync();
        host.Cluster.AddToken("auditor@pve!ro", "secret", "VM.Audit");
        using var auditor = host.CreateClient(AuditorHeader);

        var limited = (await host.GetAsync("/nodes", auditor)).Data!.AsArray();
        var full = (await host.GetAsync("/nodes")).Data!.AsArray();

        Assert.Equal("pve1", limited[0]!["node"]!.GetValue<string>());
        Assert.Null(limited[0]!["maxmem"]);
        Assert.NotNull(full[0]!["maxmem"]);
    }

    [Fact]
    public async Task A_token_sees_its_own_tasks_but_not_others_without_Sys_Audit()
    {
        await using var host = await SimulatorTestHost.StartAsync();
        host.Cluster.AddToken("ops@pve!k8s", "secret", "VM.Audit", "VM.PowerMgmt");
        using var ops = host.CreateClient("PVEAPIToken=ops@pve!k8s=secret");
        var own = (await host.PostAsync($"/nodes/pve1/lxc/{SimulatorTestHost.StoppedCt}/status/start", client: ops)).Data!.GetValue<string>();
        var foreign = await host.SubmitAsync("pve1", SimulatorTestHost.RunningDhcpCt, "stop");

        var ownStatus = await host.GetAsync($"/nodes/pve1/tasks/{own}/status", ops);
        var foreignStatus = await host.GetAsync($"/nodes/pve1/tasks/{foreign}/status", ops);

        Assert.Equal(HttpStatusCode.OK, ownStatus.Status);
        Assert.Equal("ops@pve", ownStatus.Data!["user"]!.GetValue<string>());
        Assert.Equal("k8s", ownStatus.Data!["tokenid"]!.GetValue<string>());
        Assert.Equal("Permission check failed (/nodes/pve1, Sys.Audit)", foreignStatus.Reason);
    }
}
