using System.Net;
using PveOperator.Proxmox;

namespace PveOperator.Tests.Proxmox;

public sealed class PveAddressTests
{
    [Theory]
    [InlineData("192.168.3.95", true)]
    [InlineData("10.0.0.1", true)]
    [InlineData("203.0.113.7", true)]
    [InlineData("2001:db8::5", true)]
    [InlineData("fd00::1", true)]
    [InlineData("127.0.0.1", false)]
    [InlineData("127.5.5.5", false)]
    [InlineData("::1", false)]
    [InlineData("169.254.10.20", false)]
    [InlineData("fe80::be24:11ff:fe89:6707", false)]
    [InlineData("febf::1", false)]
    [InlineData("fec0::1", true)]
    [InlineData("0.0.0.0", false)]
    [InlineData("::", false)]
    [InlineData("ff02::1", false)]
    [InlineData("::ffff:127.0.0.1", false)]
    [InlineData("::ffff:169.254.1.1", false)]
    [InlineData("::ffff:192.168.1.1", true)]
    public void Drops_loopback_link_local_and_unspecified(string address, bool usable) =>
        Assert.Equal(usable, PveAddressFilter.IsUsable(IPAddress.Parse(address)));

    [Theory]
    [InlineData("eth0", true)]
    [InlineData("ens18", true)]
    [InlineData("lo", false)]
    [InlineData("docker0", false)]
    [InlineData("veth1a2b3c", false)]
    [InlineData("br-9f8e7d", false)]
    public void Drops_lo_and_runtime_interfaces(string name, bool usable) =>
        Assert.Equal(usable, PveAddressFilter.IsUsableInterface(name));

    [Theory]
    [InlineData("10.0.0.1/24", "10.0.0.1", 24)]
    [InlineData("10.0.0.1", "10.0.0.1", 32)]
    [InlineData("2001:db8::1/64", "2001:db8::1", 64)]
    [InlineData("2001:db8::1", "2001:db8::1", 128)]
    public void Parses_cidr_text(string text, string address, int prefix)
    {
        Assert.True(PveIpAddress.TryParse(text, out var parsed));
        Assert.Equal(new PveIpAddress(IPAddress.Parse(address), prefix), parsed);
        Assert.Equal($"{address}/{prefix}", parsed.ToString());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("dhcp")]
    [InlineData("auto")]
    [InlineData("manual")]
    [InlineData("10.0.0.1/33")]
    [InlineData("10.0.0.1/-1")]
    [InlineData("10.0.0.1/x")]
    [InlineData("2001:db8::1/129")]
    public void Refuses_non_addresses(string? text) => Assert.False(PveIpAddress.TryParse(text, out _));

    [Fact]
    public void New_shape_interfaces_list_every_address_and_drop_the_unusable()
    {
        const string body = """
            {"data":[
              {"name":"lo","hwaddr":"00:00:00:00:00:00","hardware-address":"00:00:00:00:00:00","inet":"127.0.0.1/8","inet6":"::1/128",
               "ip-addresses":[{"ip-address":"127.0.0.1","ip-address-type":"inet","prefix":8},{"ip-address":"::1","ip-address-type":"inet6","prefix":128}]},
              {"name":"eth0","hwaddr":"bc:24:11:00:00:01","hardware-address":"bc:24:11:00:00:01","inet":"192.168.3.96/24","inet6":"fe80::1/64",
               "ip-addresses":[{"ip-address":"192.168.3.95","ip-address-type":"inet","prefix":24},{"ip-address":"192.168.3.96","ip-address-type":"inet","prefix":24},
                               {"ip-address":"2001:db8::95","ip-address-type":"inet6","prefix":64},{"ip-address":"fe80::1","ip-address-type":"inet6","prefix":64}]},
              {"name":"docker0","hwaddr":"02:42:ac:11:00:01","inet":"172.17.0.1/16"},
              {"name":"eth1","hwaddr":"bc:24:11:00:00:02","inet6":"fd00::2/64"}
            ]}
            """;

        var interfaces = PveJson.DecodeData<List<PveContainerInterface>>(body)!;
        var addresses = PveAddressResolver.FromInterfaces(interfaces);

        Assert.Equal(PveAddressSource.Interfaces, addresses.Source);
        Assert.Equal(["eth0", "eth1"], addresses.Interfaces.Select(i => i.Name));
        Assert.Equal(
            ["192.168.3.95/24", "192.168.3.96/24", "2001:db8::95/64"],
            addresses.Interfaces[0].Addresses.Select(a => a.ToString()));
        Assert.Equal(
            new[] { "192.168.3.95", "192.168.3.96", "2001:db8::95", "fd00::2" }.Select(IPAddress.Parse),
            addresses.Addresses);
    }

    [Fact]
    public void Flat_list_puts_ipv4_first_and_removes_duplicates()
    {
        var result = new PveContainerAddresses(PveAddressSource.Config,
        [
            new PveInterfaceAddresses("eth0", null, [Address("fd00::1/64"), Address("10.0.0.1/24")]),
            new PveInterfaceAddresses("eth1", null, [Address("10.0.0.1/24"), Address("10.0.1.1/24")]),
        ]);

        Assert.Equal(new[] { "10.0.0.1", "10.0.1.1", "fd00::1" }.Select(IPAddress.Parse), result.Addresses);
    }

    [Fact]
    public void Interfaces_without_usable_addresses_give_none()
    {
        var interfaces = new List<PveContainerInterface>
        {
            new() { Name = "lo", Inet = "127.0.0.1/8" },
            new() { Name = "eth0", Inet6 = "fe80::1/64" },
        };

        Assert.Same(PveContainerAddresses.None, PveAddressResolver.FromInterfaces(interfaces));
        Assert.Empty(PveContainerAddresses.None.Addresses);
    }

    [Fact]
    public void Config_with_dhcp_only_gives_none()
    {
        var config = new PveContainerConfig
        {
            Networks = [PveNetworkConfig.Parse("net0", "name=eth0,ip=dhcp,ip6=auto"), PveNetworkConfig.Parse("net1", "name=eth1,ip=169.254.1.1/16")],
        };

        Assert.Equal(PveAddressSource.None, PveAddressResolver.FromConfig(config).Source);
    }

    private static PveIpAddress Address(string text) =>
        PveIpAddress.TryParse(text, out var address) ? address : throw new FormatException(text);
}
