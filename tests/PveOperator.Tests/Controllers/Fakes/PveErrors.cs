using PveOperator.Proxmox;

namespace PveOperator.Tests.Controllers.Fakes;

/// <summary>Failures as PveClient reports them.</summary>
internal static class PveErrors
{
    public static PveApiException Unauthorized() =>
        new PveApiException(PveErrorKind.Unauthorized, "GET /version: 401 authentication failure") { StatusCode = 401, ReasonPhrase = "authentication failure" }
            .WithContext("failed to fetch proxmox cluster info: GET /version: 401 authentication failure");

    public static PveApiException Forbidden(string path, string privilege) =>
        new(PveErrorKind.Forbidden, $"403 Permission check failed ({path}, {privilege})")
        {
            StatusCode = 403,
            ReasonPhrase = $"Permission check failed ({path}, {privilege})",
            PermissionPath = path,
            Privilege = privilege,
        };

    public static PveApiException Tls() =>
        new(PveErrorKind.TlsError, "GET /version: the remote certificate was rejected: RemoteCertificateChainErrors");

    public static PveApiException Transient() =>
        new(PveErrorKind.Transient, "GET /version: connection refused (pve.example.com:8006)") { IsTimeout = false };

    public static PveApiException AlreadyRunning(int vmid) =>
        new(PveErrorKind.AlreadyInState, $"POST /nodes/pve1/lxc/{vmid}/status/start: 500 CT {vmid} already running") { StatusCode = 500 };

    public static PveApiException OutcomeUnknown(int vmid) =>
        new(PveErrorKind.Transient, $"POST /nodes/pve1/lxc/{vmid}/status/start: no answer within 10s")
        {
            OutcomeUnknown = true,
            IsTimeout = true,
        };
}
