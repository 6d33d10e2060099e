using PveOperator.Proxmox;

namespace PveOperator.Tests.Proxmox;

public sealed class PveClientSettingsTests
{
    [Theory]
    [InlineData("root@pam!sim", "root", "pam", "sim")]
    [InlineData("operator@pve!k8s-operator_1.0", "operator", "pve", "k8s-operator_1.0")]
    [InlineData("john@example.com@ldap!tok", "john@example.com", "ldap", "tok")]
    public void Token_ids_split_into_user_realm_and_name(string text, string user, string realm, string token)
    {
        var tokenId = PveTokenId.Parse(text);

        Assert.Equal(user, tokenId.User);
        Assert.Equal(realm, tokenId.Realm);
        Assert.Equal(token, tokenId.TokenName);
        Assert.Equal($"{user}@{realm}", tokenId.UserId);
        Assert.Equal(text, tokenId.ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("root@pam")]
    [InlineData("root!sim")]
    [InlineData("@pam!sim")]
    [InlineData("root@pam!")]
    [InlineData("root@pam!1abc")]
    [InlineData("root@1pam!sim")]
    [InlineData("ro ot@pam!sim")]
    [InlineData("root@pam!sim=secret")]
    [InlineData("root@pam!sim!x")]
    public void Malformed_token_ids_are_refused(string text)
    {
        Assert.False(PveTokenId.TryParse(text, out _));
        var failure = Assert.Throws<FormatException>(() => PveTokenId.Parse(text));
        Assert.Contains("USER@REALM!TOKENNAME", failure.Message);
    }

    [Theory]
    [InlineData("https://pve:8006", "https://pve:8006/api2/json")]
    [InlineData("https://pve:8006/", "https://pve:8006/api2/json")]
    [InlineData("https://pve:8006/api2/json", "https://pve:8006/api2/json")]
    [InlineData("https://pve:8006/api2/json/", "https://pve:8006/api2/json")]
    [InlineData("https://proxy.example/pve", "https://proxy.example/pve/api2/json")]
    public void Api_url_appends_api2_json_once(string url, string expected) =>
        Assert.Equal(new Uri(expected), Settings() with { Url = new Uri(url) } is var s ? s.ApiUrl : null);

    [Fact]
    public void Defaults_match_the_issue()
    {
        var settings = Settings();

        Assert.Empty(settings.Validate());
        Assert.Equal(TimeSpan.FromSeconds(3), settings.InitTimeout);
        Assert.Equal(2, settings.MaxRequestsInFlightPerNode);
        Assert.Equal(PveTlsMode.SystemTrust, settings.Tls.Mode);
        Assert.False(settings.Tls.InsecureSkipVerify);
        Assert.True(PveApiTransport.PooledConnectionIdleTimeout < TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void Every_problem_is_listed()
    {
        var settings = Settings() with
        {
            Url = new Uri("http://pve:8006"),
            Secret = new PveSecret(" "),
            InitTimeout = TimeSpan.Zero,
            RequestTimeout = TimeSpan.FromMilliseconds(1),
            MaxRetries = 21,
            MaxRequestsInFlightPerNode = 0,
            MaxClusterRequestsInFlight = 0,
            RetryBaseDelay = TimeSpan.FromSeconds(10),
            RetryMaxDelay = TimeSpan.FromSeconds(1),
            Tls = new PveTlsSettings { InsecureSkipVerify = true, CaBundlePem = "not pem" },
        };

        var problems = settings.Validate();

        Assert.Equal(10, problems.Count);
        var failure = Assert.Throws<ArgumentException>(settings.EnsureValid);
        Assert.All(problems, p => Assert.Contains(p, failure.Message));
        Assert.Throws<ArgumentException>(() => new PveClient(settings));
    }

    [Theory]
    [InlineData("https://user:hunter2@pve:8006/?x=1")]
    [InlineData("http://user:hunter2@pve:8006/")]
    [InlineData("https://pve:8006/?ticket=hunter2")]
    public void Url_with_credentials_or_query_is_refused_without_echoing_them(string url)
    {
        var problem = Assert.Single((Settings() with { Url = new Uri(url) }).Validate());

        Assert.DoesNotContain("hunter2", problem);
    }

    [Fact]
    public void Tls_modes_follow_the_one_option_set()
    {
        using var certificate = PveCertificateFingerprintTests.SelfSigned();
        var pem = certificate.ExportCertificatePem();

        Assert.Equal(PveTlsMode.CaBundle, new PveTlsSettings { CaBundlePem = pem }.Mode);
        Assert.Empty(new PveTlsSettings { CaBundlePem = pem }.Validate());
        Assert.Equal(PveTlsMode.PinnedFingerprint, new PveTlsSettings { PinnedFingerprint = PveCertificateFingerprint.Of(certificate) }.Mode);
        Assert.Equal(PveTlsMode.InsecureSkipVerify, new PveTlsSettings { InsecureSkipVerify = true }.Mode);
        Assert.Single(new PveTlsSettings { CaBundlePem = pem, PinnedFingerprint = PveCertificateFingerprint.Of(certificate) }.Validate());
        Assert.Single(new PveTlsSettings { CaBundlePem = "-----BEGIN NOTHING-----" }.Validate());
    }

    internal static PveClientSettings Settings() =>
        new()
        {
            Url = new Uri("https://pve.example:8006"),
            TokenId = PveTokenId.Parse("operator@pve!k8s"),
            Secret = new PveSecret("5f1d2c3b-aaaa-bbbb-cccc-0123456789ab"),
        };
}
