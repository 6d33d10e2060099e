using PveOperator.Controllers;
using PveOperator.Entities;

namespace PveOperator.Tests.Controllers.Configuration;

public sealed class ConfigDiffTests
{
    private static ConfigObservation Pve(params (string Key, string Value)[] values) =>
        new(values.ToDictionary(v => v.Key, v => v.Value, StringComparer.Ordinal), [], "d1");

    private static readonly ConfigObservation Typical = Pve(
        ("hostname", "web"), ("memory", "1024"), ("swap", "512"), ("cores", "2"),
        ("rootfs", "local-lvm:vm-100-disk-0,size=8G"),
        ("net0", "name=eth0,bridge=vmbr0,hwaddr=BC:24:11:AA:BB:CC,ip=dhcp,type=veth"),
        ("tags", "prod;web"), ("features", "nesting=1"), ("onboot", "1"),
        ("description", "hello\npve-operator.io/owner=team-a/web uid=1234"));

    private static LxcContainerSpec Spec(Action<LxcContainerSpec> set)
    {
        var spec = new LxcContainerSpec();
        set(spec);
        return spec;
    }

    [Fact]
    public void A_spec_without_configuration_fields_manages_nothing_and_differs_in_nothing()
    {
        var spec = Spec(_ => { });

        Assert.False(ConfigDiff.Manages(spec));
        Assert.Same(ConfigChange.None, ConfigDiff.Compute(spec, Typical));
    }

    [Fact]
    public void Values_PVE_normalised_differently_are_equal()
    {
        var spec = Spec(s =>
        {
            s.Hostname = "WEB";
            s.Resources = new ContainerResources { Memory = "1Gi", Cores = 2, Swap = "512Mi" };
            s.Rootfs = new RootfsSpec { Size = "8Gi" };
            s.Tags = ["Web", "prod", "web"];
            s.Network = [new NetworkInterfaceSpec { Name = "eth0", Bridge = "vmbr0", Ipv4 = new Ipv4Spec { Dhcp = true }, Firewall = false }];
            s.Features = new FeaturesSpec { Nesting = true, Keyctl = false };
            s.OnBoot = true;
            s.Description = "hello\n";
        });

        var change = ConfigDiff.Compute(spec, Typical);

        Assert.True(change.InSync, string.Join("; ", change.Drift.Select(d => $"{d.Field}: {d.Desired} vs {d.Actual}")));
    }

    [Fact]
    public void Memory_and_swap_are_written_in_MiB_and_shown_as_quantities()
    {
        var change = ConfigDiff.Compute(Spec(s => s.Resources = new ContainerResources { Memory = "2Gi", Swap = "0" }), Typical);

        Assert.Equal(new Dictionary<string, string> { ["memory"] = "2048", ["swap"] = "0" }, change.Set);
        Assert.Contains(change.Drift, d => d is { Field: "resources.memory", Desired: "2Gi", Actual: "1Gi" });
        Assert.Contains(change.Drift, d => d is { Field: "resources.swap", Desired: "0", Actual: "512Mi" });
    }

    [Fact]
    public void An_absent_key_compares_as_PVEs_default()
    {
        var change = ConfigDiff.Compute(Spec(s =>
        {
            s.Resources = new ContainerResources { Memory = "512Mi", CpuLimit = "0" };
            s.Protection = false;
            s.OnBoot = false;
        }), Pve(("rootfs", "local-lvm:vm-100-disk-0,size=8G")));

        Assert.True(change.InSync);
    }

    [Fact]
    public void Cpu_limit_compares_as_a_number()
    {
        Assert.True(ConfigDiff.Compute(Spec(s => s.Resources = new ContainerResources { CpuLimit = "1.5" }), Pve(("cpulimit", "1.50"))).InSync);
        Assert.Equal("2", ConfigDiff.Compute(Spec(s => s.Resources = new ContainerResources { CpuLimit = "2" }), Pve(("cpulimit", "1.5"))).Set["cpulimit"]);
    }

    [Fact]
    public void A_bigger_disk_is_a_resize_and_a_smaller_one_a_refusal()
    {
        var grow = ConfigDiff.Compute(Spec(s => s.Rootfs = new RootfsSpec { Size = "16Gi" }), Typical);
        var shrink = ConfigDiff.Compute(Spec(s => s.Rootfs = new RootfsSpec { Size = "4Gi" }), Typical);

        Assert.Equal([new DiskResize("rootfs", "16G", "rootfs.size")], grow.Resizes);
        Assert.False(grow.HasWrite);
        Assert.Equal(["rootfs.size"], shrink.Shrinks);
        Assert.Empty(shrink.Resizes);
        Assert.Contains(shrink.Drift, d => d is { Field: "rootfs.size", Desired: "4Gi", Actual: "8Gi" });
    }

    [Fact]
    public void Tags_are_written_lower_cased_sorted_and_joined_with_semicolons_and_an_empty_list_deletes_them()
    {
        var set = ConfigDiff.Compute(Spec(s => s.Tags = ["Zeta", "alpha"]), Typical);
        var cleared = ConfigDiff.Compute(Spec(s => s.Tags = []), Typical);

        Assert.Equal("alpha;zeta", set.Set["tags"]);
        Assert.Contains(set.Drift, d => d is { Field: "tags", Desired: "alpha,zeta", Actual: "prod,web" });
        Assert.Equal(["tags"], cleared.Delete);
        Assert.Empty(cleared.Set);
    }

    [Fact]
    public void The_description_keeps_the_owner_line_below_the_specs_text()
    {
        var change = ConfigDiff.Compute(Spec(s => s.Description = "managed in Git"), Typical);

        Assert.Equal("managed in Git\npve-operator.io/owner=team-a/web uid=1234", change.Set["description"]);
        Assert.Contains(change.Drift, d => d is { Field: "description", Desired: "managed in Git", Actual: "hello" });
    }

    [Fact]
    public void An_empty_description_without_an_owner_line_is_deleted()
    {
        var change = ConfigDiff.Compute(Spec(s => s.Description = ""), Pve(("description", "old notes")));

        Assert.Equal(["description"], change.Delete);
    }

    [Fact]
    public void A_changed_interface_is_written_whole_keeping_PVEs_hwaddr_and_type_with_name_first()
    {
        var change = ConfigDiff.Compute(Spec(s => s.Network =
            [new NetworkInterfaceSpec { Name = "eth0", Bridge = "vmbr1", Vlan = 20, Ipv4 = new Ipv4Spec { Address = "10.0.0.5/24", Gateway = "10.0.0.1" } }]), Typical);

        Assert.Equal("name=eth0,bridge=vmbr1,gw=10.0.0.1,hwaddr=BC:24:11:AA:BB:CC,ip=10.0.0.5/24,tag=20,type=veth", change.Set["net0"]);
        Assert.Equal(["network[eth0].bridge", "network[eth0].vlan", "network[eth0].ipv4", "network[eth0].ipv4.gateway"], change.Drift.Select(d => d.Field));
        Assert.Contains(change.Drift, d => d is { Field: "network[eth0].ipv4", Desired: "10.0.0.5/24", Actual: "dhcp" });
    }

    [Fact]
    public void A_new_interface_takes_the_lowest_free_key_and_one_missing_from_the_list_is_deleted()
    {
        var pve = Pve(("net0", "name=eth0,bridge=vmbr0,ip=dhcp"), ("net1", "name=eth1,bridge=vmbr1,ip=manual"), ("net3", "name=eth3,bridge=vmbr0"));

        var change = ConfigDiff.Compute(Spec(s => s.Network =
        [
            new NetworkInterfaceSpec { Name = "eth0" },
            new NetworkInterfaceSpec { Name = "eth5", Bridge = "vmbr2", Ipv6 = new Ipv6Spec { Auto = true } },
        ]), pve);

        Assert.Equal("name=eth5,bridge=vmbr2,ip6=auto", change.Set["net2"]);
        Assert.Equal(["net1", "net3"], change.Delete);
        Assert.Contains(change.Drift, d => d is { Field: "network[eth1]", Desired: null });
        Assert.Contains(change.Drift, d => d is { Field: "network[eth5]", Actual: null });
    }

    [Fact]
    public void An_interface_field_left_out_keeps_what_PVE_has()
    {
        var change = ConfigDiff.Compute(Spec(s => s.Network = [new NetworkInterfaceSpec { Name = "eth0", Mtu = 1400 }]), Typical);

        Assert.Equal("name=eth0,bridge=vmbr0,hwaddr=BC:24:11:AA:BB:CC,ip=dhcp,mtu=1400,type=veth", change.Set["net0"]);
    }

    [Fact]
    public void A_new_mount_point_is_allocated_on_its_storage_and_an_existing_one_keeps_its_volume()
    {
        var pve = Pve(("mp0", "local-lvm:vm-100-disk-1,mp=/data,backup=1,size=32G"), ("mp1", "local-lvm:vm-100-disk-2,mp=/old,size=4G"));

        var change = ConfigDiff.Compute(Spec(s => s.MountPoints =
        [
            new MountPointSpec { Name = "mp0", Size = "64Gi", Path = "/srv", Backup = true },
            new MountPointSpec { Name = "mp2", Storage = "fast", Size = "10Gi", Path = "/cache", ReadOnly = true },
        ]), pve);

        Assert.Equal("local-lvm:vm-100-disk-1,mp=/srv,backup=1,size=32G", change.Set["mp0"]);
        Assert.Equal("fast:10,mp=/cache,ro=1", change.Set["mp2"]);
        Assert.Equal(["mp1"], change.Delete);
        Assert.Equal([new DiskResize("mp0", "64G", "mountPoints[mp0].size")], change.Resizes);
    }

    [Fact]
    public void A_new_mount_point_without_a_storage_is_a_problem_not_a_write()
    {
        var change = ConfigDiff.Compute(Spec(s => s.MountPoints = [new MountPointSpec { Name = "mp0", Size = "1Gi", Path = "/x" }]), Typical);

        Assert.Single(change.Problems);
        Assert.False(change.HasWrite);
    }

    [Fact]
    public void Dns_lists_are_written_space_separated_and_cleared_with_delete()
    {
        var change = ConfigDiff.Compute(Spec(s => s.Dns = new DnsSpec { Nameservers = ["1.1.1.1", "9.9.9.9"], SearchDomain = "" }),
            Pve(("nameserver", "8.8.8.8"), ("searchdomain", "lan")));

        Assert.Equal("1.1.1.1 9.9.9.9", change.Set["nameserver"]);
        Assert.Equal(["searchdomain"], change.Delete);
        Assert.True(ConfigDiff.Compute(Spec(s => s.Dns = new DnsSpec { Nameservers = ["1.1.1.1", "9.9.9.9"] }), Pve(("nameserver", "1.1.1.1 9.9.9.9"))).InSync);
    }

    [Fact]
    public void Startup_merges_the_specs_fields_into_PVEs_in_PVEs_order()
    {
        var change = ConfigDiff.Compute(Spec(s => s.Startup = new StartupSpec { UpDelay = "1m30s", DownDelay = "30s" }), Pve(("startup", "2,up=10")));

        Assert.Equal("order=2,up=90,down=30", change.Set["startup"]);
        Assert.True(ConfigDiff.Compute(Spec(s => s.Startup = new StartupSpec { Order = 2, UpDelay = "10s" }), Pve(("startup", "order=2,up=10"))).InSync);
    }

    [Fact]
    public void A_feature_the_spec_turns_off_that_PVE_lacks_is_not_written()
    {
        var change = ConfigDiff.Compute(Spec(s => s.Features = new FeaturesSpec { Nesting = false, Keyctl = false }), Typical);

        Assert.Equal("nesting=0", change.Set["features"]);
        Assert.Equal(["features.nesting"], change.Drift.Select(d => d.Field));
    }

    [Fact]
    public void A_create_carries_the_specs_config_the_owner_line_and_a_default_network()
    {
        var mark = new OwnerMark("team-a", "web", "1234");
        var keys = CreateConfig.For(Spec(s =>
        {
            s.Hostname = "web";
            s.Resources = new ContainerResources { Memory = "2Gi", Cores = 4 };
            s.Tags = ["b", "a"];
        }), mark);

        Assert.Equal("2048", keys["memory"]);
        Assert.Equal("4", keys["cores"]);
        Assert.Equal("a;b", keys["tags"]);
        Assert.Equal(CreateConfig.DefaultNetwork, keys["net0"]);
        Assert.Equal(mark.Line, keys["description"]);
        Assert.False(keys.ContainsKey("hostname"));
    }

    [Fact]
    public void Interface_rules_the_schema_has_are_checked_again_for_servers_without_CEL()
    {
        var change = ConfigDiff.Compute(Spec(s => s.Network =
        [
            new NetworkInterfaceSpec { Name = "eth0", Ipv4 = new Ipv4Spec { Dhcp = true, Address = "10.0.0.5/24" } },
            new NetworkInterfaceSpec { Name = "eth1", Ipv6 = new Ipv6Spec { Auto = true, Dhcp = true } },
            new NetworkInterfaceSpec { Name = "eth1" },
        ]), Typical);

        Assert.Equal(3, change.Problems.Count);
        Assert.False(change.HasWrite);
    }
}
