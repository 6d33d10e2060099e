using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace PveOperator.IntegrationTests.Operator;

/// <summary>
/// A hostile "PVE" over HTTPS that answers every request with a huge 200 body of unknown length.
/// </summary>
internal sealed class OversizedPve : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly X509Certificate2 certificate;

    private OversizedPve(WebApplication app, X509Certificate2 certificate, string baseUrl)
    {
        this.app = app;
        this.certificate = certificate;
        BaseUrl = baseUrl;
        Fingerprint = string.Join(':', SHA256.HashData(certificate.RawData).Select(b => b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture)));
    }

    public string BaseUrl { get; }

    /// <summary>Its certificate's SHA-256 fingerprint, as spec.tls.fingerprint wants it.</summary>
    public string Fingerprint { get; }

    public static async Task<OversizedPve> StartAsync(long bodyBytes)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        using var ephemeral = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        var certificate = X509CertificateLoader.LoadPkcs12(ephemeral.Export(X509ContentType.Pkcs12), null);

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, l => l.UseHttps(certificate)));
        var app = builder.Build();
        app.Run(async context =>
        {
            context.Response.StatusCode = 200;
            context.Response.ContentType = "application/json;charset=UTF-8";
            var chunk = new byte[64 * 1024];
            chunk.AsSpan().Fill((byte)' ');
            long sent = 0;
            try
            {
                await context.Response.Body.WriteAsync("{\"data\":\""u8.ToArray(), context.RequestAborted);
                // Kestrel drops writes after the client hung up without failing them: stop when it says so.
                while (sent < bodyBytes && !context.RequestAborted.IsCancellationRequested)
                {
                    await context.Response.Body.WriteAsync(chunk, context.RequestAborted);
                    sent += chunk.Length;
                }
            }
            catch (Exception) when (context.RequestAborted.IsCancellationRequested)
            {
                // The client gave up: what was sent is what counts.
            }
            catch (IOException)
            {
            }
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        return new OversizedPve(app, certificate, $"https://127.0.0.1:{new Uri(address).Port}");
    }


    public async ValueTask DisposeAsync()
    {
        using (var grace = new CancellationTokenSource(TimeSpan.FromSeconds(2)))
        {
            await app.StopAsync(grace.Token);
        }

        await app.DisposeAsync();
        certificate.Dispose();
    }
}
