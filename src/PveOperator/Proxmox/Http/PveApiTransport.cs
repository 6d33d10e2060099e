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
/// Sends API calls: one HttpClient per provider, token header or login ticket (with its CSRF token on writes), in-flight caps, a per-attempt timeout, retries for
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
    private readonly PveTicketSession? tickets;

    /// <summary>After a refused login, further logins wait this long (PVE delays every failure by 3 s).</summary>
    internal static readonly TimeSpan FailedLoginHold = TimeSpan.FromSeconds(10);

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
        if (settings.UsesPassword)
        {
            tickets = new PveTicketSession(settings.TicketRenewAfter, FailedLoginHold, LoginAsync);
        }
        else
        {
            // One of the two places the secret is read. Flurl's texts (call descriptions, exceptions) show method and URL, not headers.
            flurlClient.Headers.Add("Authorization", $"PVEAPIToken={settings.TokenId}={settings.Secret.Reveal()}");
        }

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
        tickets?.Dispose();
        flurlClient.Dispose();
        httpClient.Dispose();
    }

    private async ValueTask<string> AttemptAsync(PveApiRequest request, CancellationToken cancellationToken)
    {
        if (tickets is null)
        {
            return await AttemptWithSlotAsync(request, null, cancellationToken).ConfigureAwait(false);
        }

        var ticket = await tickets.GetAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await AttemptWithSlotAsync(request, ticket, cancellationToken).ConfigureAwait(false);
        }
        catch (PveApiException refused) when (refused.Kind == PveErrorKind.Unauthorized)
        {
            // A ticket PVE no longer takes (its key rotated, a node restored, a clock jump): log in once more. A 401
            // means PVE did not look at the request, so even a write is safe to send again.
            PveClientLog.TicketRefused(logger, request.Method.Method, request.Path);
            tickets.Invalidate(ticket);
            var fresh = await tickets.GetAsync(cancellationToken).ConfigureAwait(false);
            return await AttemptWithSlotAsync(request, fresh, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Logs in: renews <paramref name="currentTicket"/> when there is one, else (or when that fails) uses the password.</summary>
    private async Task<PveTicket> LoginAsync(string? currentTicket, CancellationToken cancellationToken)
    {
        if (currentTicket is not null)
        {
            try
            {
                return await RequestTicketAsync(currentTicket, cancellationToken).ConfigureAwait(false);
            }
            catch (PveApiException expired) when (expired.Kind == PveErrorKind.Unauthorized)
            {
                PveClientLog.RenewalRefused(logger);
            }
        }

        // The other place the secret (here the password) is read; it travels only in the form body.
        return await RequestTicketAsync(settings.Secret.Reveal(), cancellationToken).ConfigureAwait(false);
    }

    private async Task<PveTicket> RequestTicketAsync(string password, CancellationToken cancellationToken)
    {
        var request = PveApiRequest.Post([new("username", settings.Username!), new("password", password)], "access", "ticket");
        var body = await AttemptWithSlotAsync(request, null, cancellationToken).ConfigureAwait(false);
        PveTicketResponse? answer;
        try
        {
            answer = PveJson.DecodeData<PveTicketResponse>(body);
        }
        catch (JsonException ex)
        {
            throw new PveApiException(PveErrorKind.Other, $"{request}: unreadable answer ({ex.Message})", ex) { Method = "POST", Path = request.Path };
        }

        if (answer?.NeedTfa == 1)
        {
            throw new PveApiException(PveErrorKind.Unauthorized,
                $"{request}: PVE asks user {settings.Username} for a second factor (NeedTFA), which the operator cannot give; " +
                "use an API token (spec.tokenId and spec.secretRef) or a user without two-factor authentication")
            {
                Method = "POST",
                Path = request.Path,
                NeedsSecondFactor = true,
            };
        }

        if (string.IsNullOrEmpty(answer?.Ticket) || string.IsNullOrEmpty(answer.CsrfPreventionToken))
        {
            throw new PveApiException(PveErrorKind.Other, $"{request}: the answer holds no ticket") { Method = "POST", Path = request.Path };
        }

        return new PveTicket(answer.Ticket, answer.CsrfPreventionToken, Stopwatch.GetTimestamp());
    }

    private async ValueTask<string> AttemptWithSlotAsync(PveApiRequest request, PveTicket? ticket, CancellationToken cancellationToken)
    {
        // The slot is taken outside the timeout: queueing behind our own requests is not the server being slow.
        using var slot = await limiter.AcquireAsync(request.Node, cancellationToken).ConfigureAwait(false);
        var started = Stopwatch.GetTimestamp();
        try
        {
            return await attemptTimeout.ExecuteAsync(
                static (state, token) => state.self.SendOnceAsync(state.request, state.ticket, token),
                (self: this, request, ticket),
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

    private async ValueTask<string> SendOnceAsync(PveApiRequest request, PveTicket? ticket, CancellationToken token)
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
            // Headers first: the body is read with a cap, so a hostile or broken endpoint cannot fill the memory.
            response = await BuildRequest(request, ticket)
                .SendAsync(request.Method, content, HttpCompletionOption.ResponseHeadersRead, token)
                .ConfigureAwait(false);
            body = await ReadBodyCappedAsync(request, response.ResponseMessage, token).ConfigureAwait(false);
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

    private async Task<string> ReadBodyCappedAsync(PveApiRequest request, HttpResponseMessage response, CancellationToken token)
    {
        var limit = settings.MaxResponseBytes;
        if (response.Content.Headers.ContentLength is { } declared && declared > limit)
        {
            response.Dispose();
            throw TooLarge(request, limit);
        }

        await using var stream = await response.Content.ReadAsStreamAsync(token).ConfigureAwait(false);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await stream.ReadAsync(chunk, token).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                response.Dispose();
                throw TooLarge(request, limit);
            }

            buffer.Write(chunk, 0, read);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    private static PveApiException TooLarge(PveApiRequest request, long limit) =>
        new(PveErrorKind.Other, $"{request}: the answer is larger than {limit / (1024 * 1024)} MiB and was refused unread")
        {
            Method = request.Method.Method,
            Path = request.Path,
            OutcomeUnknown = !request.IsRead,
        };

    private IFlurlRequest BuildRequest(PveApiRequest request, PveTicket? ticket)
    {
        var flurlRequest = flurlClient.Request();
        if (ticket is not null)
        {
            // pveproxy URI-unescapes the cookie; the CSRF token is needed on every request but GET.
            flurlRequest.WithHeader("Cookie", $"PVEAuthCookie={Uri.EscapeDataString(ticket.Ticket)}");
            if (!request.IsRead)
            {
                flurlRequest.WithHeader("CSRFPreventionToken", ticket.CsrfToken);
            }
        }

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
