namespace PveOperator.Tests.Simulator;

/// <summary>PUT config's schema checks for every key the operator manages (lifecycle reference §1.1, §4.2).</summary>
public sealed class ConfigValidationTests
{
    private const string Stopped = "/nodes/pve1/lxc/101";

    [Theory]
    [InlineData("hostname", "-web", "invalid format - value does not look like a valid DNS name")]
    [InlineData("cores", "0", "value must have a minimum value of 1")]
    [InlineData("cores", "8193", "value must have a maximum value of 8192")]
    [InlineData("cpulimit", "abc", "type check ('number') failed - got 'abc'")]
    [InlineData("cpulimit", "8193", "value must have a maximum value of 8192")]
    [InlineData("cpuunits", "500001", "value must have a maximum value of 500000")]
    [InlineData("memory", "15", "value must have a minimum value of 16")]
    [InlineData("swap", "-1", "value must have a minimum value of 0")]
    [InlineData("nameserver", "1.1.1.1 not-an-ip", "invalid format - value does not look like a valid IP address")]
    [InlineData("searchdomain", "bad_domain", "invalid format - value does not look like a valid DNS name")]
    [InlineData("tags", "ok bad!tag", "invalid format - invalid characters in tag 'bad!tag'")]
    [InlineData("onboot", "maybe", "type check ('boolean') failed - got 'maybe'")]
    [InlineData("protection", "2", "type check ('boolean') failed - got '2'")]
    [InlineData("startup", "first", "invalid format - unable to parse startup options")]
    [InlineData("features", "nesting=yes", "invalid format - format error\nfeatures.nesting: type check ('boolean') failed - got 'yes'")]
    [InlineData("features", "docker=1", "invalid format - format error\nfeatures.docker: property is not defined in schema and the schema does not allow additional properties")]
    [InlineData("net0", "bridge=vmbr0", "invalid format - format error\nnet0.name: property is missing and it is not optional")]
    [InlineData("net0", "name=eth0,ip=10.0.0.5", "invalid format - format error\nnet0.ip: invalid format - value does not look like a valid IPv4 network configuration")]
    [InlineData("net0", "name=eth0,ip=10.0.0.5/24,gw=10.0.0", "invalid format - format error\nnet0.gw: invalid format - value does not look like a valid IPv4 address")]
    [InlineData("net0", "name=eth0,ip6=fd00::5/64,gw6=10.0.0.1", "invalid format - format error\nnet0.gw6: invalid format - value does not look like a valid IPv6 address")]
    [InlineData("net0", "name=eth0,tag=4095", "invalid format - format error\nnet0.tag: value must have a maximum value of 4094")]
    [InlineData("net0", "name=eth0,mtu=63", "invalid format - format error\nnet0.mtu: value must have a minimum value of 64")]
    [InlineData("net0", "name=eth0,rate=fast", "invalid format - format error\nnet0.rate: type check ('number') failed - got 'fast'")]
    [InlineData("net0", "name=eth0,firewall=yes", "invalid format - format error\nnet0.firewall: type check ('boolean') failed - got 'yes'")]
    [InlineData("net0", "name=eth0,hwaddr=BC:24:11", "invalid format - format error\nnet0.hwaddr: value does not match the regex pattern")]
    [InlineData("net0", "name=eth0,bridge=vm br0", "invalid format - format error\nnet0.bridge: value does not match the regex pattern")]
    [InlineData("net0", "name=eth0,speed=10", "invalid format - format error\nnet0.speed: property is not defined in schema and the schema does not allow additional properties")]
    [InlineData("mp0", "local-lvm:4", "invalid format - format error\nmp0.mp: property is missing and it is not optional")]
    [InlineData("mp0", "local-lvm:4,mp=/data,size=lots", "invalid format - format error\nmp0.size: unable to parse size 'lots'")]
    public async Task A_bad_value_of_a_managed_key_is_a_400_naming_the_key_with_PVEs_text(string key, string value, string error)
    {
        await using var host = await SimulatorTestHost.StartAsync();
        var before = host.Cluster.GetContainer(101)!.Config.Digest;

        var response = await host.PutAsync(Stopped + "/config", new Dictionary<string, string> { [key] = value });

        Assert.Equal((400, "Parameter verification failed."), (response.Code, response.Reason));
        Assert.Equal(error, response.Body!["errors"]![key]!.GetValue<string>());
        Assert.Equal(before, host.Cluster.GetContainer(101)!.Config.Digest);
    }

    [Fact]
    public async Task Good_values_are_stored_in_PVEs_normal_form()
    {
        await using var host = await SimulatorTestHost.StartAsync();

        var response = await host.PutAsync(Stopped + "/config", new Dictionary<string, string>
        {
            ["hostname"] = "db.example.org",
            ["cpulimit"] = "1.5",
            ["cpuunits"] = "200",
            ["net1"] = "name=eth1,tag=20,bridge=vmbr1,ip=10.0.0.5/24,gw=10.0.0.1,ip6=fd00::5/64,gw6=fd00::1,firewall=1,mtu=1400,rate=12.5,hwaddr=BC:24:11:AA:BB:CC",
            ["nameserver"] = "1.1.1.1,9.9.9.9",
            ["searchdomain"] = "lan;example.org",
            ["tags"] = "Web;db web",
            ["onboot"] = "1",
            ["startup"] = "order=2,up=10,down=30",
            ["features"] = "nesting=1",
            ["description"] = "line one\nline two",
        });
        var config = (await host.GetAsync(Stopped + "/config")).Data!;

        Assert.Equal(200, response.Code);
        Assert.Equal("db.example.org", config["hostname"]!.GetValue<string>());
        // A "number" key stays text in GET config; integers come as numbers.
        Assert.Equal("1.5", config["cpulimit"]!.GetValue<string>());
        Assert.Equal(200, config["cpuunits"]!.GetValue<int>());
        Assert.Equal("name=eth1,bridge=vmbr1,firewall=1,gw=10.0.0.1,gw6=fd00::1,hwaddr=BC:24:11:AA:BB:CC,ip=10.0.0.5/24,ip6=fd00::5/64,mtu=1400,rate=12.5,tag=20,type=veth",
            config["net1"]!.GetValue<string>());
        Assert.Equal("1.1.1.1 9.9.9.9", config["nameserver"]!.GetValue<string>());
        Assert.Equal("lan example.org", config["searchdomain"]!.GetValue<string>());
        Assert.Equal("db;web", config["tags"]!.GetValue<string>());
        Assert.Equal(1, config["onboot"]!.GetValue<int>());
        Assert.Equal("order=2,up=10,down=30", config["startup"]!.GetValue<string>());
        Assert.Equal("nesting=1", config["features"]!.GetValue<string>());
        Assert.Equal("line one\nline two", config["description"]!.GetValue<string>());
        Assert.StartsWith("#line one\n#line two\n", host.Cluster.GetContainer(101)!.Config.Render(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_net_line_without_hwaddr_gets_a_generated_one_that_a_later_write_keeps_only_if_sent()
    {
        await using var host = await SimulatorTestHost.StartAsync();

        await host.PutAsync(Stopped + "/config", new Dictionary<string, string> { ["net1"] = "name=eth1,bridge=vmbr0,ip=dhcp" });
        var line = host.Cluster.GetContainer(101)!.ConfigValue("net1")!;

        Assert.Matches("^name=eth1,bridge=vmbr0,hwaddr=BC:24:11:[0-9A-F]{2}:[0-9A-F]{2}:[0-9A-F]{2},ip=dhcp,type=veth$", line);
    }

    [Fact]
    public async Task An_mtu_above_the_bridges_is_refused()
    {
        await using var host = await SimulatorTestHost.StartAsync();
        host.Cluster.SetBridgeMtu("vmbr9", 9000);

        var tooBig = await host.PutAsync(Stopped + "/config", new Dictionary<string, string> { ["net0"] = "name=eth0,bridge=vmbr0,mtu=9000" });
        var jumbo = await host.PutAsync(Stopped + "/config", new Dictionary<string, string> { ["net1"] = "name=eth1,bridge=vmbr9,mtu=9000" });

        Assert.Equal((500, "net0: MTU size '9000' is bigger than bridge MTU '1500'"), (tooBig.Code, tooBig.Reason));
        Assert.Equal(200, jumbo.Code);
    }

    [Fact]
    public async Task Deleting_unset_keys_only_warns_and_deleting_set_ones_removes_them()
    {
        await using var host = await SimulatorTestHost.StartAsync();
        host.Cluster.UpdateContainer(101, c => { c.Tags = "a;b"; c.Description = "notes"; });

        var response = await host.PutAsync(Stopped + "/config", new Dictionary<string, string> { ["delete"] = "tags;description searchdomain" });
        var config = (await host.GetAsync(Stopped + "/config")).Data!;

        Assert.Equal(200, response.Code);
        Assert.Null(config["tags"]);
        Assert.Null(config["description"]);
        Assert.Null(config["searchdomain"]);
    }
}
