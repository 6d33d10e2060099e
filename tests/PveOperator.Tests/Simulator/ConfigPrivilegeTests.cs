namespace PveOperator.Tests.Simulator;

/// <summary>check_ct_modify_config_perm (lifecycle reference §4.3): features, bridges and what only root@pam may do.</summary>
public sealed class ConfigPrivilegeTests
{
    private const string Stopped = "/nodes/pve1/lxc/101";
    private const string Password = "s3cret!";
    private const string RootOnlyFeatures = "Permission check failed (changing feature flags (except nesting) is only allowed for root@pam)";

    private static readonly string[] ConfigOnly = ["VM.Audit", "VM.Config.Options", "VM.Config.Network", "VM.Config.CPU", "VM.Config.Memory", "VM.Config.Disk"];

    [Fact]
    public async Task Nesting_alone_needs_VM_Allocate()
    {
        await using var host = await SimulatorTestHost.StartAsync();
        host.Cluster.AddToken("cfg@pve!k8s", "secret", ConfigOnly);
        host.Cluster.AddToken("alloc@pve!k8s", "secret", [.. ConfigOnly, "VM.Allocate"]);
        using var withoutAllocate = host.CreateClient("PVEAPIToken=cfg@pve!k8s=secret");
        using var withAllocate = host.CreateClient("PVEAPIToken=alloc@pve!k8s=secret");

        var refused = await host.PutAsync(Stopped + "/config", new Dictionary<string, string> { ["features"] = "nesting=0" }, withoutAllocate);
        var allowed = await host.PutAsync(Stopped + "/config", new Dictionary<string, string> { ["features"] = "nesting=0" }, withAllocate);

        Assert.Equal((403, "Permission check failed (/vms/101, VM.Allocate)"), (refused.Code, refused.Reason));
        Assert.Equal(200, allowed.Code);
        Assert.Equal("nesting=0", host.Cluster.GetContainer(101)!.ConfigValue("features"));
    }

    [Theory]
    [InlineData("nesting=1,keyctl=1")]
    [InlineData("fuse=1,nesting=1")]
    [InlineData("")]
    public async Task Any_other_feature_change_is_root_only_even_for_an_administrator_token(string features)
    {
        await using var host = await SimulatorTestHost.StartAsync();
        // The default token root@pam!sim holds every privilege, yet is not root@pam.
        host.Cluster.UpdateContainer(101, c => c.Config.Set("features", "nesting=1,mknod=1"));

        var response = await host.PutAsync(Stopped + "/config", features.Length == 0
            ? new Dictionary<string, string> { ["delete"] = "features" }
            : new Dictionary<string, string> { ["features"] = features });

        Assert.Equal((403, RootOnlyFeatures), (response.Code, response.Reason));
        Assert.Equal("nesting=1,mknod=1", host.Cluster.GetContainer(101)!.ConfigValue("features"));
    }

    [Fact]
    public async Task A_privileged_CTs_features_are_root_only()
    {
        await using var host = await SimulatorTestHost.StartAsync();
        host.Cluster.UpdateContainer(101, c => c.Config.Remove("unprivileged"));

        var response = await host.PutAsync(Stopped + "/config", new Dictionary<string, string> { ["features"] = "nesting=0" });

        Assert.Equal((403, "Permission check failed (changing feature flags for privileged container is only allowed for root@pam)"), (response.Code, response.Reason));
    }

    [Fact]
    public async Task Root_at_pam_with_a_ticket_may_change_every_feature()
    {
        await using var host = await SimulatorTestHost.StartAsync();
        host.Cluster.AddUser("root@pam", Password);
        var login = (await host.PostAsync("/access/ticket", new Dictionary<string, string> { ["username"] = "root@pam", ["password"] = Password }, host.CreateClient(null))).Data!;
        using var request = new HttpRequestMessage(HttpMethod.Put, $"/api2/json{Stopped}/config")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["features"] = "fuse=1,keyctl=1,nesting=1" }),
        };
        request.Headers.Add("Cookie", $"PVEAuthCookie={Uri.EscapeDataString(login["ticket"]!.GetValue<string>())}");
        request.Headers.Add("CSRFPreventionToken", login["CSRFPreventionToken"]!.GetValue<string>());

        var response = await host.SendAsync(request, host.CreateClient(null));

        Assert.Equal(200, response.Code);
        Assert.Equal("fuse=1,keyctl=1,nesting=1", host.Cluster.GetContainer(101)!.ConfigValue("features"));
    }

    [Fact]
    public async Task A_net_line_needs_SDN_Use_on_its_old_and_new_bridge_and_vlan()
    {
        await using var host = await SimulatorTestHost.StartAsync();
        host.Cluster.AddToken("net@pve!k8s", "secret", "VM.Audit", "VM.Config.Network");
        host.Cluster.AddToken("sdn@pve!k8s", "secret", "VM.Audit", "VM.Config.Network", "SDN.Use");
        using var withoutSdn = host.CreateClient("PVEAPIToken=net@pve!k8s=secret");
        using var withSdn = host.CreateClient("PVEAPIToken=sdn@pve!k8s=secret");

        var noBridge = await host.PutAsync(Stopped + "/config", new Dictionary<string, string> { ["net1"] = "name=eth1,ip=dhcp" }, withoutSdn);
        var newBridge = await host.PutAsync(Stopped + "/config", new Dictionary<string, string> { ["net2"] = "name=eth2,bridge=vmbr1" }, withoutSdn);
        var vlan = await host.PutAsync(Stopped + "/config", new Dictionary<string, string> { ["net2"] = "name=eth2,bridge=vmbr1,tag=30" }, withoutSdn);
        // Removing eth0 (on vmbr0) also needs SDN.Use on the bridge it leaves.
        var oldBridge = await host.PutAsync(Stopped + "/config", new Dictionary<string, string> { ["delete"] = "net0" }, withoutSdn);
        var allowed = await host.PutAsync(Stopped + "/config", new Dictionary<string, string> { ["net2"] = "name=eth2,bridge=vmbr1,tag=30" }, withSdn);

        Assert.Equal(200, noBridge.Code);
        Assert.Equal((403, "Permission check failed (/sdn/zones/localnetwork/vmbr1, SDN.Use)"), (newBridge.Code, newBridge.Reason));
        Assert.Equal((403, "Permission check failed (/sdn/zones/localnetwork/vmbr1/30, SDN.Use)"), (vlan.Code, vlan.Reason));
        Assert.Equal((403, "Permission check failed (/sdn/zones/localnetwork/vmbr0, SDN.Use)"), (oldBridge.Code, oldBridge.Reason));
        Assert.Equal(200, allowed.Code);
    }

    [Theory]
    [InlineData("description", "notes", "VM.Config.Options")]
    [InlineData("onboot", "1", "VM.Config.Options")]
    [InlineData("startup", "order=1", "VM.Config.Options")]
    [InlineData("protection", "1", "VM.Config.Options")]
    [InlineData("tags", "web", "VM.Config.Options")]
    [InlineData("hostname", "db2", "VM.Config.Network")]
    [InlineData("nameserver", "1.1.1.1", "VM.Config.Network")]
    [InlineData("searchdomain", "lan", "VM.Config.Network")]
    [InlineData("cpulimit", "2", "VM.Config.CPU")]
    [InlineData("cpuunits", "200", "VM.Config.CPU")]
    [InlineData("swap", "256", "VM.Config.Memory")]
    [InlineData("mp0", "local-lvm:4,mp=/data", "VM.Config.Disk")]
    public async Task Each_managed_key_names_the_privilege_it_lacks(string key, string value, string privilege)
    {
        await using var host = await SimulatorTestHost.StartAsync();
        // One config privilege gets past the endpoint's any-of check; the key needs another.
        var other = privilege == "VM.Config.Options" ? "VM.Config.CPU" : "VM.Config.Options";
        host.Cluster.AddToken("one@pve!k8s", "secret", "VM.Audit", other);
        using var client = host.CreateClient("PVEAPIToken=one@pve!k8s=secret");

        var response = await host.PutAsync(Stopped + "/config", new Dictionary<string, string> { [key] = value }, client);

        Assert.Equal((403, $"Permission check failed (/vms/101, {privilege})"), (response.Code, response.Reason));
    }

    [Fact]
    public async Task A_new_volume_needs_Datastore_AllocateSpace_on_its_storage()
    {
        await using var host = await SimulatorTestHost.StartAsync();
        host.Cluster.AddToken("disk@pve!k8s", "secret", "VM.Audit", "VM.Config.Disk");
        using var client = host.CreateClient("PVEAPIToken=disk@pve!k8s=secret");

        var response = await host.PutAsync(Stopped + "/config", new Dictionary<string, string> { ["mp0"] = "local-lvm:4,mp=/data" }, client);
        var bind = await host.PutAsync(Stopped + "/config", new Dictionary<string, string> { ["mp1"] = "/srv/data,mp=/data" });

        Assert.Equal((403, "Permission check failed (/storage/local-lvm, Datastore.AllocateSpace)"), (response.Code, response.Reason));
        Assert.Equal((403, "Permission check failed (mount point type bind is only allowed for root@pam)"), (bind.Code, bind.Reason));
    }
}
