using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http;
using System.Security.Authentication;
using System.Text.Json;
using Flurl.Http;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace PveOperator.Proxmox;

/// <summary>
/// Sends API calls: one HttpClient per provider, token header, in-flight caps, a per-attempt timeout, retries for
/// reads only, and every failure turned into a <see cref="PveApiException"/> whose text is built here from safe parts.
/// </summary>
internal sealed class PveApiTransport : IDisposable
{
    /// <summary>pveproxy closes keep-alive connections idle for 5 s; reusing one at that moment fails the request.</summary>
    internal static readonly TimeSpan PooledConnectionIdleTimeout = TimeSpan.FromSeconds(4);

    private readonly PveClientSettings settings;
    private readonly ILogger logger;
    private readonly HttpClient httpClient;
    private readonly FlurlClient flurlClient;
    private readonly PveCertificateValidator? certificateValidator;
    private readonly PveRequestLimiter limiter;
    private readonly PveMetrics metrics;
    private readonly ResiliencePipeline readRetries;
    private readonly ResiliencePipeline attemptTimeout;

    /// <param name="handlerForTests">Replaces the real socket handler (and with it TLS); tests only.</param>
    public PveApiTransport(PveClientSettings settings, ILogger logger, HttpMessageHandler? handlerForTests = null, PveMetrics? metrics = null)
    {
        settings.EnsureValid();
        this.settings = settings;
        this.logger = logger;
        this.metrics = metrics ?? PveMetrics.Unserved();
        limiter = new PveRequestLimiter(settings.MaxRequestsInFlightPerNode, settings.MaxClusterRequestsInFlight);

        HttpMessageHandler handler;
        if (handlerForTests is null)
        {
            certificateValidator = new PveCertificateValidator(settings.Tls);
            handler = CreateSocketsHandler(settings, certificateValidator);
        }
        else
        {
            handler = handlerForTests;
        }
        // Timeouts belong to Polly: the HttpClient and Flurl ones are switched off.
        httpClient = new HttpClient(handler, disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };
        flurlClient = new FlurlClient(httpClient, settings.ApiUrl.ToString());
        flurlClient.Settings.Timeout = null;
        flurlClient.Settings.AllowedHttpStatusRange = "*";
        flurlClient.Settings.Redirects.Enabled = false;
        // The only place the secret is read. Flurl's texts (call descriptions, exceptions) show method and URL, not headers.
        flurlClient.Headers.Add("Authorization", $"PVEAPIToken={settings.TokenId}={settings.Secret.Reveal()}");

        readRetries = settings.MaxRetries == 0
            ? ResiliencePipeline.Empty
            : new ResiliencePipelineBuilder()
                .AddRetry(new RetryStrategyOptions
                {
                    ShouldHandle = new PredicateBuilder().Handle<PveApiException>(ex => ex.Kind == PveErrorKind.Transient),
                    MaxRetryAttempts = settings.MaxRetries,
                    BackoffType = DelayBackoffType.Exponential,
                    UseJitter = true,
                    Delay = settings.RetryBaseDelay,
                    MaxDelay = settings.RetryMaxDelay,
                    OnRetry = args =>
                    {
                        if (args.Outcome.Exception is PveApiException failure)
                        {
                            PveClientLog.Retrying(logger, failure.Method, failure.Path, args.AttemptNumber + 1,
                                (long)args.RetryDelay.TotalMilliseconds, failure.Kind);
                        }
                        return default;
                    },
                })
                .Build();
        attemptTimeout = new ResiliencePipelineBuilder().AddTimeout(settings.RequestTimeout).Build();
    }

    /// <summary>Sends the call and decodes <c>data</c>. Reads are retried on transient failures; writes never.</summary>
    /// <exception cref="PveApiException">Any failure; <see cref="OperationCanceledException"/> only for the caller's token.</exception>
    public async Task<T?> SendAsync<T>(PveApiRequest request, CancellationToken cancellationToken)
    {
        var body = request.IsRead
            ? await readRetries.ExecuteAsync(
                static (state, token) => state.self.AttemptAsync(state.request, token),
                (self: this, request),
                cancellationToken).ConfigureAwait(false)
            : await AttemptAsync(request, cancellationToken).ConfigureAwait(false);
        try
        {
            return PveJson.DecodeData<T>(body);
        }
        catch (JsonException ex)
        {
            throw new PveApiException(PveErrorKind.Other, $"{request}: unreadable answer ({ex.Message})", ex)
            {
                Method = request.Method.Method,
                Path = request.Path,
                // A write that was answered but not understood may well have been carried out.
                OutcomeUnknown = !request.IsRead,
            };
        }
    }

    public void Dispose()
    {
        flurlClient.Dispose();
        httpClient.Dispose();
    }

    private async ValueTask<string> AttemptAsync(PveApiRequest request, CancellationToken cancellationToken)
    {
        // The slot is taken outside the timeout: queueing behind our own requests is not the server being slow.
        using var slot = await limiter.AcquireAsync(request.Node, cancellationToken).ConfigureAwait(false);
        var started = Stopwatch.GetTimestamp();
        try
        {
            return await attemptTimeout.ExecuteAsync(
                static (state, token) => state.self.SendOnceAsync(state.request, token),
                (self: this, request),
                cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutRejectedException ex)
        {
            var failure = new PveApiException(PveErrorKind.Transient,
                $"{request}: no answer within {settings.RequestTimeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s", ex)
            {
                Method = request.Method.Method,
                Path = request.Path,
                IsTimeout = true,
                OutcomeUnknown = !request.IsRead,
            };
            PveClientLog.Failed(logger, request.Method.Method, request.Path, ElapsedMs(started), failure.Kind, failure.Message);
            metrics.Observe(request.Endpoint, "timeout", Stopwatch.GetElapsedTime(started));
            throw failure;
        }
    }

    private async ValueTask<string> SendOnceAsync(PveApiRequest request, CancellationToken token)
    {
        var started = Stopwatch.GetTimestamp();
        PveClientLog.Sending(logger, request.Method.Method, request.Path);
        IFlurlResponse response;
        string body;
        try
        {
            // A write always carries a body, even an empty form: SocketsHttpHandler may silently resend a request on
            // a reused connection that died before answering, but never one whose content it started to send.
            using var content = request.IsRead ? null : new FormUrlEncodedContent(request.Form);
            response = await BuildRequest(request)
                .SendAsync(request.Method, content, HttpCompletionOption.ResponseContentRead, token)
                .ConfigureAwait(false);
            body = await response.GetStringAsync().ConfigureAwait(false);
        }
        catch (Exception) when (token.IsCancellationRequested)
        {
            // A plain cancellation lets Polly tell its own timeout from the caller's cancellation.
            throw new OperationCanceledException(token);
        }
        catch (Exception ex) when (ex is FlurlHttpException or HttpRequestException or IOException)
        {
            var failure = FromTransportFailure(request, ex);
            PveClientLog.Failed(logger, request.Method.Method, request.Path, ElapsedMs(started), failure.Kind, failure.Message);
            metrics.Observe(request.Endpoint, failure.Kind == PveErrorKind.TlsError ? "tls_error" : "connection_error", Stopwatch.GetElapsedTime(started));
            throw failure;
        }

        using (response)
        {
            var status = response.StatusCode;
            var reason = response.ResponseMessage.ReasonPhrase;
            PveClientLog.Answered(logger, request.Method.Method, request.Path, status, reason, ElapsedMs(started));
            metrics.Observe(request.Endpoint, status.ToString(CultureInfo.InvariantCulture), Stopwatch.GetElapsedTime(started));
            if (status is >= 200 and < 300)
            {
                return body;
            }
            throw FromErrorAnswer(request, status, reason, body);
        }
    }

    private IFlurlRequest BuildRequest(PveApiRequest request)
    {
        var flurlRequest = flurlClient.Request();
        foreach (var segment in request.Segments)
        {
            // Fully encoded: a UPID holds ':', '@' and '!' (the PVE GUI encodes it the same way).
            flurlRequest.Url.AppendPathSegment(segment, fullyEncode: true);
        }
        foreach (var (name, value) in request.Query)
        {
            flurlRequest.Url.SetQueryParam(name, value);
        }
        return flurlRequest;
    }

    internal static PveApiException FromErrorAnswer(PveApiRequest request, int status, string? reason, string body)
    {
        var errorBody = TryReadErrorBody(body);
        var serverMessage = string.IsNullOrWhiteSpace(errorBody?.Message) ? null : errorBody.Message.Trim();
        var fieldErrors = errorBody?.Errors ?? new Dictionary<string, string>();
        var kind = PveErrorClassifier.Classify(status, reason, serverMessage);
        string? permissionPath = null, privilege = null;
        if (kind == PveErrorKind.Forbidden &&
            !PveErrorClassifier.TryParsePermission(reason, out permissionPath, out privilege))
        {
            // Either names the privilege or leaves both null: the message then says "a privilege".
            _ = PveErrorClassifier.TryParsePermission(serverMessage, out permissionPath, out privilege);
        }

        var text = $"{request}: {status.ToString(CultureInfo.InvariantCulture)} {reason}".TrimEnd();
        if (serverMessage is not null && serverMessage != reason?.Trim())
        {
            text += $" ({serverMessage})";
        }
        if (fieldErrors.Count > 0)
        {
            text += " [" + string.Join("; ", fieldErrors.Select(e => $"{e.Key}: {e.Value.Trim()}")) + "]";
        }
        return new PveApiException(kind, text)
        {
            StatusCode = status,
            ReasonPhrase = reason,
            ServerMessage = serverMessage,
            FieldErrors = fieldErrors,
            Method = request.Method.Method,
            Path = request.Path,
            PermissionPath = permissionPath,
            Privilege = privilege,
            // 596-599: pveproxy lost the forwarded request midway; a gateway timeout likewise. The target may have acted.
            OutcomeUnknown = !request.IsRead && status is 502 or 504 or (>= 596 and <= 599),
        };
    }

    private PveApiException FromTransportFailure(PveApiRequest request, Exception exception)
    {
        var cause = exception is FlurlHttpException { InnerException: { } inner } ? inner : exception;
        var chain = Chain(cause).ToList();
        if (chain.OfType<AuthenticationException>().FirstOrDefault() is { } tls)
        {
            var why = certificateValidator?.LastRejection ?? tls.Message;
            return new PveApiException(PveErrorKind.TlsError,
                $"{request}: TLS certificate validation failed for {settings.ApiUrl.GetLeftPart(UriPartial.Authority)}: {why}", cause)
            {
                Method = request.Method.Method,
                Path = request.Path,
            };
        }
        // Failing to connect means nothing was sent; anything later leaves a write's fate open.
        var neverSent = chain.OfType<HttpRequestException>().Any(e =>
            e.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError
                or HttpRequestError.SecureConnectionError or HttpRequestError.ProxyTunnelError);
        var innermost = chain[^1].Message;
        return new PveApiException(PveErrorKind.Transient, $"{request}: connection failed ({innermost})", cause)
        {
            Method = request.Method.Method,
            Path = request.Path,
            OutcomeUnknown = !request.IsRead && !neverSent,
        };
    }

    private static PveErrorBody? TryReadErrorBody(string body)
    {
        // Error bodies are JSON ({"data":null,...}) except for a few plain-text ones ("no such uri").
        if (string.IsNullOrWhiteSpace(body) || body.TrimStart()[0] != '{')
        {
            return null;
        }
        try
        {
            return PveJson.Deserialize<PveErrorBody>(body);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static IEnumerable<Exception> Chain(Exception exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            yield return current;
        }
    }

    private static long ElapsedMs(long started) => (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds;

    private static SocketsHttpHandler CreateSocketsHandler(PveClientSettings settings, PveCertificateValidator validator) =>
        new()
        {
            PooledConnectionIdleTimeout = PooledConnectionIdleTimeout,
            // Renew connections now and then so a DNS change (new VIP, replaced node) is picked up.
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            ConnectTimeout = settings.RequestTimeout,
            AllowAutoRedirect = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.GZip | DecompressionMethods.Deflate,
            SslOptions = { RemoteCertificateValidationCallback = validator.Validate },
        };
}
