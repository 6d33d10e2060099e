using System.Text.Json;
using System.Text.Json.Serialization;
using PveOperator.Proxmox;

namespace PveOperator.Tests.Proxmox;

public sealed class PveJsonConverterTests
{
    [Theory]
    [InlineData("106", 106)]
    [InlineData("\"106\"", 106)]
    [InlineData("\" 106 \"", 106)]
    [InlineData("106.0", 106)]
    [InlineData("\"106.0\"", 106)]
    [InlineData("-1", -1)]
    [InlineData("true", 1)]
    public void Int_reads_numbers_and_numeric_strings(string json, int expected) =>
        Assert.Equal(expected, Read<int>(json));

    [Theory]
    [InlineData("1.5")]
    [InlineData("\"abc\"")]
    [InlineData("\"\"")]
    [InlineData("[]")]
    [InlineData("4294967296")]
    public void Int_refuses_non_integers(string json) => Assert.Throws<JsonException>(() => Read<int>(json));

    [Theory]
    [InlineData("8589934592", 8589934592L)]
    [InlineData("\"8589934592\"", 8589934592L)]
    public void Long_reads_large_values(string json, long expected) => Assert.Equal(expected, Read<long>(json));

    [Theory]
    [InlineData("0.5", 0.5)]
    [InlineData("\"0.00\"", 0.0)]
    [InlineData("\"3400.000\"", 3400.0)]
    [InlineData("2", 2.0)]
    [InlineData("\"1e3\"", 1000.0)]
    public void Double_reads_numbers_and_numeric_strings(string json, double expected) =>
        Assert.Equal(expected, Read<double>(json));

    [Theory]
    [InlineData("1", true)]
    [InlineData("0", false)]
    [InlineData("\"1\"", true)]
    [InlineData("\"0\"", false)]
    [InlineData("true", true)]
    [InlineData("false", false)]
    [InlineData("\"true\"", true)]
    [InlineData("\"yes\"", true)]
    [InlineData("\"off\"", false)]
    [InlineData("\"\"", false)]
    public void Bool_reads_pve_spellings(string json, bool expected) => Assert.Equal(expected, Read<bool>(json));

    [Fact]
    public void Bool_refuses_garbage() => Assert.Throws<JsonException>(() => Read<bool>("\"maybe\""));

    [Theory]
    [InlineData("\"abc\"", "abc")]
    [InlineData("123", "123")]
    [InlineData("1.50", "1.50")]
    [InlineData("true", "1")]
    public void String_reads_numbers_as_their_text(string json, string expected) => Assert.Equal(expected, Read<string>(json));

    [Fact]
    public void Nullable_values_missing_keys_nulls_and_unknown_keys_are_fine()
    {
        var entry = PveJson.DecodeData<PveClusterStatusEntry>(
            """{"data":{"type":"node","name":"pve","nodeid":"3","online":"1","local":null,"brand-new-key":{"x":[1,2]}}}""")!;

        Assert.Equal(3, entry.NodeId);
        Assert.True(entry.Online);
        Assert.Null(entry.Local);
        Assert.Null(entry.Quorate);
        Assert.Null(entry.Ip);
    }

    [Fact]
    public void Envelope_with_null_data_gives_null()
    {
        Assert.Null(PveJson.DecodeData<List<PveContainerInterface>>("{\"data\":null}"));
        Assert.Null(PveJson.DecodeData<PveVersion>("{\"data\":null,\"message\":\"x\"}"));
        Assert.Null(PveJson.DecodeData<string>("{}"));
    }

    [Fact]
    public void Pve9_status_with_pressure_strings_and_ha_state_decodes()
    {
        var status = PveJson.DecodeData<PveContainerStatus>(
            """
            {"data":{"vmid":100,"status":"running","name":"web","cpus":1.5,"cpu":"0.0123","mem":"1048576","maxmem":536870912,
                     "pid":4242,"uptime":77,"ha":{"managed":1,"state":"started"},
                     "pressurecpusome":"0.00","pressurecpufull":"0.00","pressureiosome":"1.25","lock":"backup","template":"0"}}
            """)!;

        Assert.True(status.IsRunning);
        Assert.Equal(1.5, status.Cpus);
        Assert.Equal(0.0123, status.Cpu);
        Assert.Equal(1048576, status.Mem);
        Assert.True(status.Ha.Managed);
        Assert.Equal("started", status.Ha.State);
        Assert.Equal("backup", status.Lock);
        Assert.False(status.Template);
    }

    [Fact]
    public void Ha_state_may_be_null_while_managed()
    {
        var status = PveJson.DecodeData<PveContainerStatus>("""{"data":{"vmid":100,"status":"stopped","ha":{"managed":1,"state":null}}}""")!;

        Assert.True(status.Ha.Managed);
        Assert.Null(status.Ha.State);
    }

    [Fact]
    public void Cluster_resources_read_lock_hastate_and_string_numbers()
    {
        var resources = PveJson.DecodeData<List<PveClusterResource>>(
            """{"data":[{"id":"lxc/200","type":"lxc","vmid":"200","node":"pve2","status":"running","name":"db","template":0,"lock":"backup","hastate":"started","maxcpu":"2","uptime":"12"}]}""")!;

        var resource = Assert.Single(resources);
        Assert.True(resource.IsContainer);
        Assert.Equal(200, resource.Vmid);
        Assert.Equal("backup", resource.Lock);
        Assert.Equal("started", resource.HaState);
        Assert.Equal(2, resource.MaxCpu);
        Assert.Equal(12, resource.Uptime);
    }

    private static T? Read<T>(string valueJson) =>
        JsonSerializer.Deserialize<Box<T>>($"{{\"value\":{valueJson}}}", PveJson.Options)!.Value;

    private sealed record Box<T>([property: JsonPropertyName("value")] T? Value);
}
