using System.Text.Json;
using PveOperator.Proxmox;

namespace PveOperator.Tests.Proxmox;

public sealed class PveSecretTests
{
    private const string SecretValue = "5f1d2c3b-aaaa-bbbb-cccc-0123456789ab";

    [Fact]
    public void Prints_as_stars()
    {
        var secret = new PveSecret(SecretValue);

        Assert.Equal("***", secret.ToString());
        Assert.Equal("***", $"{secret}");
        Assert.Equal(SecretValue, secret.Reveal());
    }

    [Fact]
    public void Serializes_as_stars_alone_and_inside_settings()
    {
        var settings = Settings();

        var alone = JsonSerializer.Serialize(new PveSecret(SecretValue));
        var inSettings = JsonSerializer.Serialize(settings);
        var inSettingsWithPveOptions = JsonSerializer.Serialize(settings, PveJson.Options);

        Assert.Equal("\"***\"", alone);
        Assert.DoesNotContain(SecretValue, inSettings);
        Assert.Contains("\"Secret\":\"***\"", inSettings);
        Assert.Contains("\"TokenId\":\"operator@pve!k8s\"", inSettings);
        Assert.DoesNotContain(SecretValue, inSettingsWithPveOptions);
    }

    [Fact]
    public void Settings_records_print_without_the_secret() =>
        Assert.DoesNotContain(SecretValue, Settings().ToString());

    [Fact]
    public void Reads_from_a_json_string()
    {
        var secret = JsonSerializer.Deserialize<PveSecret>($"\"{SecretValue}\"")!;

        Assert.Equal(SecretValue, secret.Reveal());
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<PveSecret>("42"));
    }

    [Fact]
    public void Compares_by_value_so_a_rotation_is_noticed()
    {
        Assert.Equal(new PveSecret(SecretValue), new PveSecret(SecretValue));
        Assert.NotEqual(new PveSecret(SecretValue), new PveSecret(SecretValue + "x"));
        Assert.Equal(Settings(), Settings());
        Assert.NotEqual(Settings(), Settings() with { Secret = new PveSecret("other") });
    }

    [Fact]
    public void Settings_validation_errors_do_not_show_the_secret()
    {
        var invalid = Settings() with { Url = new Uri("http://pve:8006"), MaxRetries = -1 };

        var failure = Assert.Throws<ArgumentException>(invalid.EnsureValid);

        Assert.DoesNotContain(SecretValue, failure.ToString());
    }

    private static PveClientSettings Settings() =>
        new()
        {
            Url = new Uri("https://pve.example:8006"),
            TokenId = PveTokenId.Parse("operator@pve!k8s"),
            Secret = new PveSecret(SecretValue),
        };
}
