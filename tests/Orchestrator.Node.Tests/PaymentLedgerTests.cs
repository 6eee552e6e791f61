using Orchestrator.Node.Configuration;
using Orchestrator.Node.Downstream;

namespace Orchestrator.Node.Tests;

/// <summary>The demo payments service's ledger: durable, one charge per idempotency key, across a reopen too.</summary>
public sealed class PaymentLedgerTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "orchestrator-ledger-tests", Guid.NewGuid().ToString("N"));

    private string File => Path.Combine(_directory, "payments.db");

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public async Task A_charge_with_a_key_is_applied_once_and_a_repeat_answers_the_first_receipt_even_after_a_reopen()
    {
        ChargeReceipt first;
        using (var ledger = PaymentLedger.Open(File, TimeProvider.System))
        {
            var result = await ledger.ChargeAsync(new ChargeRequest("o-1", 10.50m, "EUR"), "o-1");
            Assert.False(result.Repeated);
            first = result.Receipt!;
            var again = await ledger.ChargeAsync(new ChargeRequest("o-1", 10.50m, "EUR"), "o-1");
            Assert.True(again.Repeated);
            Assert.Equal(first, again.Receipt);
        }

        using (var reopened = PaymentLedger.Open(File, TimeProvider.System))
        {
            var after = await reopened.ChargeAsync(new ChargeRequest("o-1", 10.50m, "EUR"), "o-1");
            Assert.True(after.Repeated);
            Assert.Equal(first.ChargeId, after.Receipt!.ChargeId);
            var charge = Assert.Single(await reopened.ChargesForAsync("o-1"));
            Assert.Equal((first.ChargeId, 10.50m, "EUR", "o-1"), (charge.ChargeId, charge.Amount, charge.Currency, charge.IdempotencyKey));
            Assert.Equal(1, await reopened.CountAsync());
        }
    }

    [Fact]
    public async Task The_same_key_for_a_different_charge_is_a_conflict_naming_both_and_charges_nothing()
    {
        using var ledger = PaymentLedger.Open(File, TimeProvider.System);
        await ledger.ChargeAsync(new ChargeRequest("o-1", 10m, "EUR"), "k-1");

        var conflict = await ledger.ChargeAsync(new ChargeRequest("o-2", 10m, "EUR"), "k-1");
        Assert.Null(conflict.Receipt);
        Assert.Equal("Idempotency-Key 'k-1' was already used for order 'o-1', 10 EUR; this charge is for order 'o-2', 10 EUR. A different charge needs a different key.",
            conflict.Conflict);
        Assert.NotNull((await ledger.ChargeAsync(new ChargeRequest("o-1", 11m, "EUR"), "k-1")).Conflict);
        Assert.Empty(await ledger.ChargesForAsync("o-2"));
        Assert.Equal(1, await ledger.CountAsync());
    }

    [Fact]
    public async Task Charges_without_a_key_are_each_applied_and_concurrent_repeats_of_one_key_charge_once()
    {
        using var ledger = PaymentLedger.Open(File, TimeProvider.System);
        await ledger.ChargeAsync(new ChargeRequest("o-9", 5m, "EUR"), null);
        await ledger.ChargeAsync(new ChargeRequest("o-9", 5m, "EUR"), null);
        Assert.Equal(2, (await ledger.ChargesForAsync("o-9")).Count);

        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Run(() => ledger.ChargeAsync(new ChargeRequest("o-7", 7m, "EUR"), "o-7"))));
        Assert.Single(results.Select(r => r.Receipt!.ChargeId).Distinct());
        Assert.Equal(19, results.Count(r => r.Repeated));
        Assert.Single(await ledger.ChargesForAsync("o-7"));
    }

    [Fact]
    public void A_ledger_file_that_cannot_be_opened_stops_the_node_naming_the_setting()
    {
        Directory.CreateDirectory(_directory);
        var blocker = Path.Combine(_directory, "not-a-directory");
        System.IO.File.WriteAllText(blocker, "a file where the ledger's directory should be");

        var e = Assert.Throws<NodeConfigurationException>(() =>
            NodeHost.Build(NodeFixture.Args($"--Downstream:PaymentsDatabasePath={Path.Combine(blocker, "payments.db")}")));
        Assert.Contains("Downstream:PaymentsDatabasePath", e.Message);
        Assert.Contains(Path.Combine(blocker, "payments.db"), e.Message);
    }

    [Fact]
    public void By_default_the_ledger_sits_beside_the_write_queue_named_after_it()
    {
        var settings = new DownstreamSettings();
        var queue = new Orchestrator.WriteQueue.WriteQueueOptions { DatabasePath = Path.Combine(_directory, "node.db") };
        Assert.Equal(Path.Combine(_directory, "node-payments.db"), settings.EffectivePaymentsDatabasePath(queue));
        settings.PaymentsDatabasePath = File;
        Assert.Equal(File, settings.EffectivePaymentsDatabasePath(queue));
    }
}
