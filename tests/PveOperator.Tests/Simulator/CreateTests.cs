using PveSimulator;

namespace PveOperator.Tests.Simulator;

public sealed class CreateTests
{
    private const string Debian = "local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst";

    private static Dictionary<string, string> CreateForm(int vmid, params (string Key, string Value)[] extra)
    {
        var form = new Dictionary<string, string> { ["vmid"] = $"{vmid}", ["ostemplate"] = Debian, ["rootfs"] = "local-lvm:8" };
        foreach (var (key, value) in extra)
        {
            form[key] = value;
        }

        return form;
    }

    [Fact]
    public async Task The_lock_only_config_exists_before_the_UPID_returns_and_a_second_create_is_refused_synchronously()
    {
        await using var host = await SimulatorTestHost.StartAsync(fakeTime: true);

        var created = await host.PostAsync("/nodes/pve1/lxc", CreateForm(120));
        var config = (await host.GetAsync("/nodes/pve1/lxc/120/config")).Data!.AsObject();
        var second = await host.PostAsync("/nodes/pve2/lxc", CreateForm(120));
        var status = (await host.GetAsync("/nodes/pve1/lxc/120/status/current")).Data!;

        Assert.Matches("^UPID:pve1:[0-9A-F]{8}:[0-9A-F]{8,9}:[0-9A-F]{8}:vzcreate:120:root@pam!sim:$", created.Data!.GetValue<string>());
        Assert.Equal(["digest", "lock"], config.Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.Equal("create", config["lock"]!.GetValue<string>());
        Assert.Equal((500, "CT 120 already exists on node 'pve1'"), (second.Code, second.Reason));
        Assert.Equal(("CT120", "create", 512L << 20, 4L << 30), (status["name"]!.GetValue<string>(), status["lock"]!.GetValue<string>(), status["maxmem"]!.GetValue<long>(), status["maxdisk"]!.GetValue<long>()));
        Assert.Equal(1, host.Server.Counters.Tasks("vzcreate"));
    }

    [Fact]
    public async Task While_the_create_runs_the_CT_is_locked_create_for_config_writes_and_starts()
    {
        await using var host = await SimulatorTestHost.StartAsync(fakeTime: true);
        await host.PostAsync("/nodes/pve1/lxc", CreateForm(120));

        var write = await host.PutAsync("/nodes/pve1/lxc/120/config", new Dictionary<string, string> { ["memory"] = "1024" });
        var start = await host.WaitForTaskAsync(await host.SubmitAsync("pve1", 120, "start"), TimeSpan.FromMilliseconds(10));

        Assert.Equal((500, "CT is locked (create)"), (write.Code, write.Reason));
        Assert.Equal("CT is locked (create)", start.Data!["exitstatus"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_finished_create_writes_the_normalised_config_without_the_lock()
    {
        await using var host = await SimulatorTestHost.StartAsync(fakeTime: true);

        var upid = (await host.PostAsync("/nodes/pve1/lxc", CreateForm(120,
            ("hostname", "web"), ("net0", "name=eth0,ip=dhcp,bridge=vmbr0"), ("tags", "Web;prod,alpha"), ("nameserver", "1.1.1.1,8.8.8.8"), ("memory", "1024")))).Data!.GetValue<string>();
        var task = await host.WaitForTaskAsync(upid);
        var config = (await host.GetAsync("/nodes/pve1/lxc/120/config")).Data!;

        Assert.Equal("OK", task.Data!["exitstatus"]!.GetValue<string>());
        Assert.Null(config["lock"]);
        Assert.Equal("web", config["hostname"]!.GetValue<string>());
        Assert.Equal(1024, config["memory"]!.GetValue<int>());
        Assert.Equal(512, config["swap"]!.GetValue<int>());
        Assert.Equal(1, config["unprivileged"]!.GetValue<int>());
        Assert.Equal("debian", config["ostype"]!.GetValue<string>());
        Assert.Equal("local-lvm:vm-120-disk-0,size=8G", config["rootfs"]!.GetValue<string>());
        Assert.Matches("^name=eth0,bridge=vmbr0,hwaddr=BC:24:11:[0-9A-F]{2}:[0-9A-F]{2}:[0-9A-F]{2},ip=dhcp,type=veth$", config["net0"]!.GetValue<string>());
        Assert.Equal("alpha;prod;web", config["tags"]!.GetValue<string>());
        Assert.Equal("1.1.1.1 8.8.8.8", config["nameserver"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_failed_create_removes_the_config_so_the_vmid_is_free_again()
    {
        await using var host = await SimulatorTestHost.StartAsync(fakeTime: true);
        var form = CreateForm(120);
        form["ostemplate"] = "local:vztmpl/missing-1.0_amd64.tar.gz";

        var upid = (await host.PostAsync("/nodes/pve1/lxc", form)).Data!.GetValue<string>();
        var task = await host.WaitForTaskAsync(upid);

        Assert.Equal("unable to create CT 120 - can't find file 'local:vztmpl/missing-1.0_amd64.tar.gz'", task.Data!["exitstatus"]!.GetValue<string>());
        Assert.Null(host.Cluster.GetContainer(120));
        Assert.Equal(200, (await host.PostAsync("/nodes/pve1/lxc", CreateForm(120))).Code);
    }

    [Fact]
    public async Task A_new_CT_shows_in_cluster_resources_at_once_with_status_unknown_until_the_next_refresh()
    {
        await using var host = await SimulatorTestHost.StartAsync(fakeTime: true);

        await host.PostAsync("/nodes/pve1/lxc", CreateForm(120));
        var before = (await host.GetAsync("/cluster/resources?type=vm")).Data!.AsArray().Single(e => e!["vmid"]!.GetValue<int>() == 120)!.AsObject();
        host.Cluster.RefreshResources();
        var after = (await host.GetAsync("/cluster/resources?type=vm")).Data!.AsArray().Single(e => e!["vmid"]!.GetValue<int>() == 120)!;

        Assert.Equal(["id", "lock", "node", "status", "type", "vmid"], before.Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.Equal("unknown", before["status"]!.GetValue<string>());
        Assert.Equal("stopped", after["status"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("rootfs", "local:8", 400, "Parameter verification failed.")]
    [InlineData("ostemplate", "local:iso/debian.iso", 500, "unable to use volume local:iso/debian.iso - content type needs to be 'vztmpl'")]
    [InlineData("ostemplate", "local:vztmpl/debian.tgz", 500, "unable to parse directory volume name 'vztmpl/debian.tgz'")]
    [InlineData("rootfs", "nope:8", 500, "storage 'nope' does not exist")]
    [InlineData("features", "nesting=1,keyctl=1", 403, "Permission check failed (changing feature flags (except nesting) is only allowed for root@pam)")]
    [InlineData("pool", "prod", 403, "Permission check failed (pool 'prod' does not exist)")]
    public async Task Create_refuses_synchronously_with_PVEs_texts(string key, string value, int status, string reason)
    {
        await using var host = await SimulatorTestHost.StartAsync(fakeTime: true);

        var response = await host.PostAsync("/nodes/pve1/lxc", CreateForm(120, (key, value)));

        Assert.Equal((status, reason), (response.Code, response.Reason));
        Assert.Null(host.Cluster.GetContainer(120));
        if (key == "rootfs" && status == 400)
        {
            Assert.Equal("storage 'local' does not support container directories", response.Body!["errors"]!["storage"]!.GetValue<string>());
        }
    }

    [Fact]
    public async Task Create_of_a_taken_vmid_is_refused_before_the_permission_check()
    {
        await using var host = await SimulatorTestHost.StartAsync();
        host.Cluster.AddToken("audit@pve!ro", "secret", "VM.Audit");
        using var audit = host.CreateClient("PVEAPIToken=audit@pve!ro=secret");

        var taken = await host.PostAsync("/nodes/pve1/lxc", CreateForm(SimulatorTestHost.RunningStaticCt), audit);
        var free = await host.PostAsync("/nodes/pve1/lxc", CreateForm(130), audit);

        Assert.Equal((500, "CT 102 already exists on node 'pve2'"), (taken.Code, taken.Reason));
        Assert.Equal((403, "Permission check failed"), (free.Code, free.Reason));
    }

    [Fact]
    public async Task Bridges_need_SDN_Use_and_disks_Datastore_AllocateSpace()
    {
        await using var host = await SimulatorTestHost.StartAsync();
        host.Cluster.AddToken("ops@pve!k8s", "secret", "VM.Allocate", "VM.Config.Disk", "VM.Config.Network", "VM.Config.Memory", "Datastore.Audit");
        using var ops = host.CreateClient("PVEAPIToken=ops@pve!k8s=secret");

        var bridge = await host.PostAsync("/nodes/pve1/lxc", CreateForm(130, ("net0", "name=eth0,bridge=vmbr1,tag=20,ip=dhcp")), ops);
        var disk = await host.PostAsync("/nodes/pve1/lxc", CreateForm(131), ops);

        Assert.Equal((403, "Permission check failed (/sdn/zones/localnetwork/vmbr1/20, SDN.Use)"), (bridge.Code, bridge.Reason));
        Assert.Equal((403, "Permission check failed (/storage/local-lvm, Datastore.AllocateSpace)"), (disk.Code, disk.Reason));
    }

    [Fact]
    public async Task Start_1_forks_a_separate_vzstart_after_the_create()
    {
        await using var host = await SimulatorTestHost.StartAsync(fakeTime: true);

        var upid = (await host.PostAsync("/nodes/pve1/lxc", CreateForm(120, ("start", "1")))).Data!.GetValue<string>();
        await host.WaitForTaskAsync(upid);
        await SimulatorTestHost.EventuallyAsync(async () =>
        {
            host.Time!.Advance(TimeSpan.FromMilliseconds(100));
            return await host.StatusOfAsync("pve1", 120) == "running";
        }, "CT 120 never started");

        Assert.Equal(1, host.Server.Counters.Tasks("vzstart"));
    }

    [Fact]
    public async Task Contended_storage_allocations_wait_in_line_and_time_out_with_PVEs_text()
    {
        var options = new SimulatorOptions { StorageAllocationDuration = TimeSpan.FromSeconds(4), StorageLockTimeout = TimeSpan.FromSeconds(10) };
        await using var host = await SimulatorTestHost.StartAsync(options, fakeTime: true);

        var upids = new List<string>();
        for (var vmid = 120; vmid < 125; vmid++)
        {
            upids.Add((await host.PostAsync("/nodes/pve1/lxc", CreateForm(vmid))).Data!.GetValue<string>());
        }

        var outcomes = new List<string>();
        foreach (var upid in upids)
        {
            outcomes.Add((await host.WaitForTaskAsync(upid, TimeSpan.FromSeconds(1))).Data!["exitstatus"]!.GetValue<string>());
        }

        // 4 s each: the 4th would start after 12 s of waiting, past the 10 s timeout; so would the 5th.
        Assert.Equal(["OK", "OK", "OK"], outcomes.Take(3));
        Assert.Equal(
            ["unable to create CT 123 - can't lock file '/var/lock/pve-manager/pve-storage-local-lvm' - got timeout",
             "unable to create CT 124 - can't lock file '/var/lock/pve-manager/pve-storage-local-lvm' - got timeout"],
            outcomes.Skip(3));
        Assert.Null(host.Cluster.GetContainer(123));
    }
}
