using System.Text.Json;
using PveOperator.Proxmox;

namespace PveOperator.Tests.Proxmox;

public sealed class UpidTests
{
    [Fact]
    public void Parses_every_field()
    {
        const string raw = "UPID:pve-node-2:0003A2F1:0192A6B5:65F1A2B3:vzstart:101:root@pam:";

        var upid = Upid.Parse(raw);

        Assert.Equal("pve-node-2", upid.Node);
        Assert.Equal(0x0003A2F1, upid.Pid);
        Assert.Equal(0x0192A6B5, upid.PStart);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(0x65F1A2B3), upid.StartTime);
        Assert.Equal("vzstart", upid.Type);
        Assert.Equal("101", upid.Id);
        Assert.Equal("root@pam", upid.User);
        Assert.Equal(raw, upid.Raw);
        Assert.Equal(raw, upid.ToString());
    }

    [Fact]
    public void Accepts_a_token_user_a_nine_digit_pstart_and_an_empty_id()
    {
        var upid = Upid.Parse("UPID:pve:00001234:1A2B3C4D5:65F1A2B3:vzdump::operator@pve!k8s:");

        Assert.Equal("operator@pve!k8s", upid.User);
        Assert.Equal(0x1A2B3C4D5, upid.PStart);
        Assert.Equal("", upid.Id);
    }

    [Theory]
    [InlineData("")]
    [InlineData("UPID:pve:00001234:01234567:65F1A2B3:vzstart:101:root@pam")] // no trailing colon
    [InlineData("UPID:pve:1234:01234567:65F1A2B3:vzstart:101:root@pam:")] // pid not 8 hex
    [InlineData("UPID:pve:00001234:0123456:65F1A2B3:vzstart:101:root@pam:")] // pstart 7 hex
    [InlineData("UPID:pve:00001234:01234567:65F1A2B:vzstart:101:root@pam:")] // starttime 7 hex
    [InlineData("UPID:-pve:00001234:01234567:65F1A2B3:vzstart:101:root@pam:")] // node starts with '-'
    [InlineData("UPID:pve-:00001234:01234567:65F1A2B3:vzstart:101:root@pam:")] // node ends with '-'
    [InlineData("UPID:pve:0000123G:01234567:65F1A2B3:vzstart:101:root@pam:")] // not hex
    [InlineData("UPID:pve:00001234:01234567:65F1A2B3:vz/start:101:root@pam:")] // '/' in type
    [InlineData("UPID:pve:00001234:01234567:65F1A2B3:vzstart:101::")] // empty user
    [InlineData("UPID:pve:00001234:01234567:65F1A2B3:vzstart:101:root@pam:\n")] // trailing newline
    [InlineData("upid:pve:00001234:01234567:65F1A2B3:vzstart:101:root@pam:")]
    [InlineData("OK")]
    public void Rejects_malformed_ids(string text)
    {
        Assert.False(Upid.TryParse(text, out _));
        Assert.Throws<FormatException>(() => Upid.Parse(text));
    }

    [Fact]
    public void Null_is_not_a_upid() => Assert.False(Upid.TryParse(null, out _));

    [Fact]
    public void Travels_as_its_raw_string_in_json()
    {
        const string raw = "UPID:pve:00001234:01234567:65F1A2B3:vzstop:100:root@pam!sim:";

        var json = JsonSerializer.Serialize(Upid.Parse(raw));
        var back = JsonSerializer.Deserialize<Upid>(json);

        Assert.Equal($"\"{raw}\"", json);
        Assert.Equal(Upid.Parse(raw), back);
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<Upid>("\"UPID:broken\""));
    }
}
