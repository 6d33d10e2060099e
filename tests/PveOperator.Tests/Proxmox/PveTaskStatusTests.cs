using PveOperator.Proxmox;

namespace PveOperator.Tests.Proxmox;

/// <summary>Task status shapes from pve-api.md §3 (no real capture exists for /status).</summary>
public sealed class PveTaskStatusTests
{
    private const string Upid = "UPID:pve2:000A1B2C:00ABCDEF:65F1A2B3:vzstart:100:root@pam!sim:";

    [Fact]
    public void Running_task()
    {
        var status = Decode(TaskBody("\"upid\":\"" + Upid + "\",\"node\":\"pve2\",\"pid\":662316,\"pstart\":11259375,\"starttime\":1710334643,\"type\":\"vzstart\",\"id\":\"100\",\"user\":\"root@pam\",\"tokenid\":\"sim\",\"status\":\"running\""));

        Assert.Equal(PveTaskState.Running, status.State);
        Assert.True(status.IsRunning);
        Assert.Null(status.FailureText);
        Assert.Equal("sim", status.TokenId);
        Assert.Equal("root@pam", status.User);
        Assert.Equal(662316, status.Pid);
    }

    [Theory]
    [InlineData("OK", 0)]
    [InlineData("WARNINGS: 3", 3)]
    [InlineData("WARNINGS: 1", 1)]
    public void Ok_and_warnings_are_success(string exit, int warnings)
    {
        var status = Decode(TaskBody("\"upid\":\"" + Upid + "\",\"node\":\"pve2\",\"status\":\"stopped\",\"exitstatus\":\"" + exit + "\""));

        Assert.Equal(PveTaskState.Succeeded, status.State);
        Assert.True(status.Succeeded);
        Assert.Null(status.FailureKind);
        Assert.Equal(warnings, status.Warnings);
        Assert.Null(status.FailureText);
    }

    [Theory]
    [InlineData("startup for container '100' failed", PveErrorKind.Other)]
    [InlineData("CT is locked (backup)", PveErrorKind.Locked)]
    [InlineData("can't lock file '/run/lock/lxc/pve-config-100.lock' - got timeout", PveErrorKind.Locked)]
    [InlineData("Configuration file 'nodes/pve/lxc/100.conf' does not exist", PveErrorKind.NotFound)]
    [InlineData("unexpected status", PveErrorKind.Other)]
    [InlineData("container did not stop", PveErrorKind.Other)]
    public void Any_other_exit_text_is_a_failure_carrying_that_text(string exit, PveErrorKind kind)
    {
        var status = Decode(TaskBody("\"upid\":\"" + Upid + "\",\"node\":\"pve2\",\"status\":\"stopped\",\"exitstatus\":\"" + exit + "\""));

        Assert.Equal(PveTaskState.Failed, status.State);
        Assert.Equal(exit, status.FailureText);
        Assert.Equal(kind, status.FailureKind);
    }

    [Fact]
    public void Stopped_without_exit_status_is_a_failure()
    {
        var status = Decode(TaskBody("\"upid\":\"" + Upid + "\",\"node\":\"pve2\",\"status\":\"stopped\""));

        Assert.Equal(PveTaskState.Failed, status.State);
        Assert.NotNull(status.FailureText);
    }

    private static string TaskBody(string fields) => "{\"data\":{" + fields + "}}";

    private static PveTaskStatus Decode(string body) => PveJson.DecodeData<PveTaskStatus>(body)!;
}
