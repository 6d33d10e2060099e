using System.Net;
using System.Security.Cryptography.X509Certificates;

namespace PveOperator.Tests.Simulator;

public sealed class CertificateTests
{
    [Fact]
    public async Task Fingerprint_and_PEM_describe_the_served_certificate()
    {
        await using var host = await SimulatorTestHost.StartAsync();

        using var certificate = X509Certificate2.CreateFromPem(host.Server.CertificatePem);
        var sans = certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single();

        Assert.Matches("^([0-9A-F]{2}:){31}[0-9A-F]{2}$", host.Server.CertificateFingerprint);
        Assert.Equal(host.Server.CertificateFingerprint, SimulatorTestHost.Fingerprint(certificate.RawData));
        Assert.Contains(IPAddress.Loopback, sans.EnumerateIPAddresses());
        Assert.Contains("localhost", sans.EnumerateDnsNames());
        Assert.Equal("127.0.0.1", host.Server.BaseUrl.Host);
        Assert.Equal("https", host.Server.BaseUrl.Scheme);
        // The pinning client of the test host only connects when the fingerprint matches.
        Assert.Equal(HttpStatusCode.OK, (await host.GetAsync("/version")).Status);
    }

    [Fact]
    public async Task Every_start_makes_a_new_certificate_and_secret()
    {
        await using var first = await SimulatorTestHost.StartAsync();
        await using var second = await SimulatorTestHost.StartAsync();

        Assert.NotEqual(first.Server.CertificateFingerprint, second.Server.CertificateFingerprint);
        Assert.NotEqual(first.Server.DefaultTokenSecret, second.Server.DefaultTokenSecret);
        // A client pinned to the second simulator refuses the first one's certificate.
        var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, _) =>
            certificate is not null && SimulatorTestHost.Fingerprint(certificate.GetRawCertData()) == second.Server.CertificateFingerprint;
        using var wronglyPinned = new HttpClient(handler) { BaseAddress = first.Server.BaseUrl };
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => wronglyPinned.GetAsync("/api2/json/version"));
    }
}
