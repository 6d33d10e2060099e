using PveOperator.Proxmox;

namespace PveOperator.Tests.Proxmox;

public sealed class PveErrorClassificationTests
{
    private static readonly PveApiRequest StartRequest = PveApiRequest.Post([], "nodes", "pve", "lxc", 100, "status", "start");
    private static readonly PveApiRequest StatusRequest = PveApiRequest.Get("nodes", "pve", "lxc", 100, "status", "current");

    [Theory]
    [InlineData(401, "No ticket", PveErrorKind.Unauthorized)]
    [InlineData(401, "Authentication failed!", PveErrorKind.Unauthorized)]
    [InlineData(401, "invalid token value!", PveErrorKind.Unauthorized)]
    [InlineData(401, "no such token 'x' for user 'root@pam'", PveErrorKind.Unauthorized)]
    [InlineData(403, "Permission check failed (/vms/100, VM.PowerMgmt)", PveErrorKind.Forbidden)]
    [InlineData(500, "Configuration file 'nodes/pve/lxc/100.conf' does not exist", PveErrorKind.NotFound)]
    [InlineData(500, "hostname lookup 'nosuch' failed - failed to get address info for: nosuch: Name or service not known", PveErrorKind.NotFound)]
    [InlineData(500, "CT 100 already running", PveErrorKind.AlreadyInState)]
    [InlineData(500, "CT 100 not running", PveErrorKind.AlreadyInState)]
    [InlineData(500, "VM 100 not running", PveErrorKind.AlreadyInState)]
    [InlineData(500, "CT is locked (backup)", PveErrorKind.Locked)]
    [InlineData(500, "VM is locked (migrate)", PveErrorKind.Locked)]
    [InlineData(500, "can't lock file '/run/lock/lxc/pve-config-100.lock' - got timeout", PveErrorKind.Locked)]
    [InlineData(400, "Parameter verification failed.", PveErrorKind.Validation)]
    [InlineData(500, "CT 120 already exists on node 'pve1'", PveErrorKind.AlreadyExists)]
    [InlineData(500, "VM 120 already exists on node 'pve2'", PveErrorKind.AlreadyExists)]
    [InlineData(500, "detected modified configuration - file changed by other user? Try again.", PveErrorKind.DigestMismatch)]
    [InlineData(500, "can't lock file '/var/lock/pve-manager/pve-storage-local-lvm' - got timeout", PveErrorKind.StorageLocked)]
    [InlineData(500, "unable to create CT 120 - cfs-lock 'storage-nfs' error: got lock request timeout", PveErrorKind.StorageLocked)]
    [InlineData(500, "unable to shrink disk size", PveErrorKind.CannotShrink)]
    [InlineData(500, "unable to read something", PveErrorKind.Transient)]
    [InlineData(502, "Bad Gateway", PveErrorKind.Transient)]
    [InlineData(503, "Service Unavailable", PveErrorKind.Transient)]
    [InlineData(595, "Connection refused", PveErrorKind.Transient)]
    [InlineData(595, "No route to host", PveErrorKind.Transient)]
    [InlineData(596, "Connection timed out", PveErrorKind.Transient)]
    [InlineData(597, "Broken pipe", PveErrorKind.Transient)]
    [InlineData(501, "Method 'GET /nodes/pve/lxc/100/interfaces' not implemented", PveErrorKind.Other)]
    [InlineData(404, "Not Found", PveErrorKind.Other)]
    [InlineData(302, "Found", PveErrorKind.Other)]
    public void Classifies_by_status_and_reason_phrase(int status, string reason, PveErrorKind expected) =>
        Assert.Equal(expected, PveErrorClassifier.Classify(status, reason, serverMessage: null));

    [Fact]
    public void The_body_message_counts_when_the_reason_phrase_is_generic() =>
        Assert.Equal(PveErrorKind.AlreadyInState,
            PveErrorClassifier.Classify(500, "Internal Server Error", "CT 100 already running\n"));

    [Fact]
    public void No_such_task_is_a_validation_error_marked_as_unknown_task()
    {
        var failure = PveApiTransport.FromErrorAnswer(
            PveApiRequest.Get("nodes", "pve", "tasks", "UPID:x", "status"), 400, "Parameter verification failed.",
            """{"data":null,"errors":{"upid":"no such task"}}""");
        var otherValidation = PveApiTransport.FromErrorAnswer(
            PveApiRequest.Get("nodes", "pve", "tasks", "UPID:x", "status"), 400, "Parameter verification failed.",
            """{"data":null,"errors":{"upid":"unable to parse worker upid"}}""");

        Assert.Equal(PveErrorKind.Validation, failure.Kind);
        Assert.True(failure.IsUnknownTask);
        Assert.Equal("no such task", failure.FieldErrors["upid"]);
        Assert.False(otherValidation.IsUnknownTask);
    }

    [Fact]
    public void Forbidden_carries_path_and_privilege()
    {
        var failure = PveApiTransport.FromErrorAnswer(StartRequest, 403, "Permission check failed (/vms/100, VM.PowerMgmt)",
            """{"data":null,"message":"Permission check failed (/vms/100, VM.PowerMgmt)\n"}""");

        Assert.Equal(PveErrorKind.Forbidden, failure.Kind);
        Assert.Equal("/vms/100", failure.PermissionPath);
        Assert.Equal("VM.PowerMgmt", failure.Privilege);
        Assert.Equal(403, failure.StatusCode);
        Assert.Equal("POST /nodes/pve/lxc/100/status/start: 403 Permission check failed (/vms/100, VM.PowerMgmt)", failure.Message);
        Assert.False(failure.OutcomeUnknown);
    }

    [Fact]
    public void Forbidden_with_alternative_privileges_keeps_them_all()
    {
        Assert.True(PveErrorClassifier.TryParsePermission(
            "Permission check failed (/vms/100, VM.Config.Disk|VM.Config.CPU)", out var path, out var privilege));
        Assert.Equal("/vms/100", path);
        Assert.Equal("VM.Config.Disk|VM.Config.CPU", privilege);
    }

    [Fact]
    public void Forbidden_without_path_parses_nothing()
    {
        var failure = PveApiTransport.FromErrorAnswer(PveApiRequest.Get("access", "ticket"), 403,
            "Permission check failed (URI '/access/ticket' not available with API token, need proper ticket.", "{\"data\":null}");

        Assert.Equal(PveErrorKind.Forbidden, failure.Kind);
        Assert.Null(failure.PermissionPath);
        Assert.Null(failure.Privilege);
    }

    [Fact]
    public void Validation_carries_field_errors_and_the_body_message()
    {
        var failure = PveApiTransport.FromErrorAnswer(StartRequest, 400, "Parameter verification failed.",
            """{"errors":{"vmid":"type check ('integer') failed - got 'abc'","foo":"property is not defined in schema and the schema does not allow additional properties"},"data":null,"message":"Parameter verification failed.\n"}""");

        Assert.Equal(PveErrorKind.Validation, failure.Kind);
        Assert.Equal(2, failure.FieldErrors.Count);
        Assert.Equal("Parameter verification failed.", failure.ServerMessage);
        Assert.Contains("vmid: type check ('integer') failed - got 'abc'", failure.Message);
        Assert.StartsWith("POST /nodes/pve/lxc/100/status/start: 400 Parameter verification failed. [", failure.Message);
    }

    [Fact]
    public void A_longer_body_message_is_added_to_the_text()
    {
        var failure = PveApiTransport.FromErrorAnswer(StatusRequest, 500, "unable to open file",
            """{"data":null,"message":"unable to open file - No such device\nsecond line\n"}""");

        Assert.Equal(PveErrorKind.Transient, failure.Kind);
        Assert.Equal("unable to open file - No such device\nsecond line", failure.ServerMessage);
        Assert.Contains("(unable to open file - No such device", failure.Message);
    }

    [Fact]
    public void Plain_text_and_empty_bodies_are_fine()
    {
        var plain = PveApiTransport.FromErrorAnswer(StatusRequest, 501, "no such uri", "no such uri");
        var empty = PveApiTransport.FromErrorAnswer(StatusRequest, 596, "Connection timed out", "");

        Assert.Equal(PveErrorKind.Other, plain.Kind);
        Assert.Null(plain.ServerMessage);
        Assert.Equal(PveErrorKind.Transient, empty.Kind);
        Assert.Equal("GET /nodes/pve/lxc/100/status/current: 596 Connection timed out", empty.Message);
    }

    [Theory]
    [InlineData(596, true)]
    [InlineData(597, true)]
    [InlineData(504, true)]
    [InlineData(595, false)]
    [InlineData(500, false)]
    [InlineData(503, false)]
    public void A_write_lost_behind_the_proxy_has_an_unknown_outcome(int status, bool unknown)
    {
        Assert.Equal(unknown, PveApiTransport.FromErrorAnswer(StartRequest, status, "x", "").OutcomeUnknown);
        Assert.False(PveApiTransport.FromErrorAnswer(StatusRequest, status, "x", "").OutcomeUnknown);
    }

    [Fact]
    public void Context_keeps_kind_and_details_and_wraps_the_original()
    {
        var original = PveApiTransport.FromErrorAnswer(StartRequest, 403, "Permission check failed (/, Sys.Audit)", "");

        var wrapped = original.WithContext("failed to fetch proxmox cluster info: " + original.Message);

        Assert.Same(original, wrapped.InnerException);
        Assert.Equal(PveErrorKind.Forbidden, wrapped.Kind);
        Assert.Equal("Sys.Audit", wrapped.Privilege);
        Assert.Equal(403, wrapped.StatusCode);
    }
}
