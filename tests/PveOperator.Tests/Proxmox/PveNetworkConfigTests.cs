using System.Net;
using PveOperator.Proxmox;

namespace PveOperator.Tests.Proxmox;

public sealed class PveNetworkConfigTests
{
    [Fact]
    public void Parses_every_documented_key_in_any_order()
    {
        var net = PveNetworkConfig.Parse("net1",
            "ip6=2001:db8::5/64,type=veth,mtu=1450,hwaddr=BC:24:11:AA:BB:CC,gw6=2001:db8::1,tag=42,link_down=1," +
            "firewall=1,gw=192.168.10.1,ip=192.168.10.5/24,bridge=vmbr1,name=eth1");

        Assert.Equal("net1", net.Key);
        Assert.Equal(1, net.Index);
        Assert.Equal("eth1", net.Name);
        Assert.Equal("vmbr1", net.Bridge);
        Assert.Equal("BC:24:11:AA:BB:CC", net.HardwareAddress);
        Assert.Equal("192.168.10.5/24", net.Ip);
        Assert.Equal("192.168.10.1", net.Gateway);
        Assert.Equal("2001:db8::5/64", net.Ip6);
        Assert.Equal("2001:db8::1", net.Gateway6);
        Assert.True(net.Firewall);
        Assert.True(net.LinkDown);
        Assert.Equal(42, net.Tag);
        Assert.Equal(1450, net.Mtu);
        Assert.Equal("veth", net.Type);
        Assert.Equal(new PveIpAddress(IPAddress.Parse("192.168.10.5"), 24), net.StaticIpv4);
        Assert.Equal(new PveIpAddress(IPAddress.Parse("2001:db8::5"), 64), net.StaticIpv6);
    }

    [Theory]
    [InlineData("name=eth0,bridge=vmbr0,hwaddr=BC:24:11:00:00:01,ip=dhcp,ip6=auto")]
    [InlineData("name=eth0,bridge=vmbr0,ip=manual,ip6=manual")]
    [InlineData("name=eth0,bridge=vmbr0,ip=dhcp,ip6=dhcp")]
    [InlineData("name=eth0,bridge=vmbr0")]
    [InlineData("name=eth0,bridge=vmbr0,ip=,ip6=")]
    [InlineData("name=eth0,ip=not-an-ip,ip6=10.0.0.1/24")]
    public void Dynamic_or_missing_addresses_yield_no_static_address(string value)
    {
        var net = PveNetworkConfig.Parse("net0", value);

        Assert.Equal("eth0", net.Name);
        Assert.Null(net.StaticIpv4);
        Assert.Null(net.StaticIpv6);
    }

    [Fact]
    public void Keeps_unknown_keys_and_tolerates_spaces_and_empty_parts()
    {
        var net = PveNetworkConfig.Parse("net3",
            " name=eth0 ,,bridge=vmbr0,host-managed=1,rate=12.5,trunks=10;20;30,future-key=x=y,ip=10.0.0.9/8 ");

        Assert.Equal("eth0", net.Name);
        Assert.Equal("1", net.Options["host-managed"]);
        Assert.Equal("12.5", net.Options["rate"]);
        Assert.Equal("10;20;30", net.Options["trunks"]);
        // Only the first '=' splits key from value.
        Assert.Equal("x=y", net.Options["future-key"]);
        Assert.Equal(IPAddress.Parse("10.0.0.9"), net.StaticIpv4!.Address);
        Assert.Null(net.Firewall);
        Assert.Null(net.Tag);
    }

    [Fact]
    public void Does_not_confuse_ip6_or_gw_with_ip()
    {
        // A substring search for "ip=" would find it inside "ip6=" ordering tricks; a real parser does not.
        var net = PveNetworkConfig.Parse("net0", "name=eth0,ip6=fd00::7/64,gw=10.0.0.1,ip=dhcp");

        Assert.Null(net.StaticIpv4);
        Assert.Equal(IPAddress.Parse("fd00::7"), net.StaticIpv6!.Address);
    }

    [Fact]
    public void A_bare_address_gets_a_full_prefix()
    {
        var net = PveNetworkConfig.Parse("net0", "name=eth0,ip=10.1.2.3");

        Assert.Equal(new PveIpAddress(IPAddress.Parse("10.1.2.3"), 32), net.StaticIpv4);
    }

    [Theory]
    [InlineData("net0", 0)]
    [InlineData("net7", 7)]
    [InlineData("net31", 31)]
    [InlineData("net", null)]
    [InlineData("netx", null)]
    [InlineData("mp0", null)]
    [InlineData("net-1", null)]
    public void Recognizes_netN_keys(string key, int? index) => Assert.Equal(index, PveNetworkConfig.IndexOf(key));

    [Fact]
    public void Config_networks_are_parsed_from_unknown_keys_and_ordered_numerically()
    {
        const string body = """
            {"data":{"hostname":"web","net10":"name=eth10,ip=10.0.10.2/24","net2":"name=eth2,ip=dhcp",
                     "net0":"name=eth0,ip=10.0.0.2/24,ip6=auto","mp0":"local:1,mp=/data","lxc":[["lxc.foo","bar"]],
                     "unused0":"local:vm-100-disk-1"}}
            """;

        var config = PveJson.DecodeData<PveContainerConfig>(body)!;

        Assert.Equal(["net0", "net2", "net10"], config.Networks.Select(n => n.Key));
        Assert.True(config.AdditionalProperties!.ContainsKey("mp0"));
        var addresses = PveAddressResolver.FromConfig(config);
        Assert.Equal(["eth0", "eth10"], addresses.Interfaces.Select(i => i.Name));
        Assert.Equal([IPAddress.Parse("10.0.0.2"), IPAddress.Parse("10.0.10.2")], addresses.Addresses);
    }
}
