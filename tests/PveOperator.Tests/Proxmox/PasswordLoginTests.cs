using Microsoft.Extensions.Time.Testing;
using PveOperator.Proxmox;
using PveOperator.Tests.Runtime;
using PveSimulator;

namespace PveOperator.Tests.Proxmox;

/// <summary>The client's password login (ticket, CSRF token, renewal, re-login) against the simulator.</summary>
[Collection(SimulatorClientCollection.Name)]
public sealed class PasswordLoginTests
{
    private const string Password = "pa55-w0rd:with=odd&chars";

    private static PveClient PasswordClient(SimulatedPve pve, string user = "root@pam", string password = Password, TimeSpan? renewAfter = null) =>
        pve.Client(s => s with
        {
            TokenId = null,
            Username = user,
            Secret = new PveSecret(password),
            TicketRenewAfter = renewAfter ?? PveClientSettings.DefaultTicketRenewAfter,
        });

    [Fact]
    public async Task A_password_client_logs_in_once_and_its_writes_pass_the_csrf_check()
    {
        await using var pve = await SimulatedPve.StartAsync();
        pve.Server.Cluster.AddUser("root@pam", Password);
        var client = PasswordClient(pve);

        await client.InitializeAsync();
        var upid = await client.StartContainerAsync("pve1", SimulatedPve.StoppedStatic);
        await SimulatedPve.WaitAsync(client, upid);

        Assert.Equal(1, pve.Server.Logins.PasswordLogins);
        Assert.True(pve.Server.Cluster.GetContainer(SimulatedPve.StoppedStatic)!.Running);
        Assert.DoesNotContain(Password, pve.Log.AllText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_ticket_is_renewed_with_itself_once_it_is_due()
    {
        await using var pve = await SimulatedPve.StartAsync();
        pve.Server.Cluster.AddUser("root@pam", Password);
        var client = PasswordClient(pve, renewAfter: TimeSpan.FromMilliseconds(200));

        await client.GetVersionAsync();
        await Eventually.TrueAsync(async () =>
        {
            await client.GetVersionAsync();
            return pve.Server.Logins.Renewals >= 1;
        }, "the ticket was renewed");
        await client.StartContainerAsync("pve1", SimulatedPve.StoppedStatic);

        Assert.Equal(1, pve.Server.Logins.PasswordLogins);
    }

    [Fact]
    public async Task An_expired_ticket_means_one_new_login_and_the_request_still_succeeds()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var pve = await SimulatedPve.StartAsync(new SimulatorOptions { TimeProvider = time });
        pve.Server.Cluster.AddUser("root@pam", Password);
        var client = PasswordClient(pve);
        await client.GetVersionAsync();

        // PVE restored from a backup, a clock jump: the ticket is refused before the client meant to renew it.
        time.Advance(TimeSpan.FromHours(3));
        await client.GetVersionAsync();
        await client.StartContainerAsync("pve1", SimulatedPve.StoppedStatic);

        Assert.Equal(2, pve.Server.Logins.PasswordLogins);
        Assert.Equal(0, pve.Server.Logins.Renewals);
    }

    [Fact]
    public async Task A_second_factor_is_an_authentication_failure_saying_to_use_a_token()
    {
        await using var pve = await SimulatedPve.StartAsync();
        pve.Server.Cluster.AddUser("mfa@pve", Password, totpCode: "123456");
        var client = PasswordClient(pve, user: "mfa@pve");

        var error = await Assert.ThrowsAsync<PveApiException>(() => client.GetVersionAsync());

        Assert.Equal(PveErrorKind.Unauthorized, error.Kind);
        Assert.True(error.NeedsSecondFactor);
        Assert.Contains("API token", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, pve.Server.Logins.SecondFactorChallenges);
    }

    [Fact]
    public async Task A_refused_password_is_not_tried_again_at_once()
    {
        await using var pve = await SimulatedPve.StartAsync();
        pve.Server.Cluster.AddUser("root@pam", Password);
        var client = PasswordClient(pve, password: "wrong");

        var first = await Assert.ThrowsAsync<PveApiException>(() => client.GetVersionAsync());
        var second = await Assert.ThrowsAsync<PveApiException>(() => client.GetClusterResourcesAsync());

        Assert.Equal((PveErrorKind.Unauthorized, PveErrorKind.Unauthorized), (first.Kind, second.Kind));
        Assert.Equal(1, pve.Server.Logins.Failures);
        Assert.DoesNotContain("wrong", first.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_slow_failed_login_of_one_client_does_not_hold_up_another()
    {
        await using var slow = await SimulatedPve.StartAsync(new SimulatorOptions { UnauthorizedDelay = TimeSpan.FromSeconds(30) });
        await using var fast = await SimulatedPve.StartAsync();
        slow.Server.Cluster.AddUser("root@pam", Password);
        fast.Server.Cluster.AddUser("root@pam", Password);
        var failing = PasswordClient(slow, password: "wrong");
        using var cancel = new CancellationTokenSource();

        var pending = failing.GetVersionAsync(cancel.Token);
        await PasswordClient(fast).GetVersionAsync();

        Assert.False(pending.IsCompleted);
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<Exception>(() => pending);
    }
}
