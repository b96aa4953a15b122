import AudiogidDaemon
import AudiogidKiosk
import Foundation

/// `audiogid doctor`: checks a kiosk the way a technician would, and says in plain words what to fix.
public enum Doctor {
    /// Every check, in the order a technician fixes things: the file, the folder, the database, the sound, the
    /// inputs, the clock, the services, the tour. `data` overrides kiosk.yaml's `data:` as the service's `--data` does.
    public static func examine(config path: String, data: String? = nil, system: DoctorSystem) -> DoctorReport {
        var checks: [DoctorCheck] = []
        let (file, configCheck) = ConfigurationCheck.run(path: path)
        checks.append(configCheck)
        guard var kiosk = file else { return DoctorReport(checks: checks) }
        if let data { kiosk.configuration.dataDirectory = data }
        let configuration = kiosk.configuration
        let accounts = Accounts(system: system)
        if accounts.users[system.serviceUser] == nil {
            checks.append(DoctorCheck("user", .warning, "no user \(system.serviceUser) here: the service runs as it",
                                      fix: "install the package, which makes it, or see \"The service\" in kiosk-setup.md"))
        }
        checks.append(DataFolderCheck.folder(configuration, system: system, accounts: accounts))
        let (store, databaseCheck) = DataFolderCheck.database(configuration)
        checks.append(databaseCheck)
        checks.append(SoundCardCheck.run(device: configuration.audio.device, system: system))
        if let gpio = kiosk.triggers.gpio { checks.append(GpioCheck.run(gpio, system: system, accounts: accounts)) }
        checks += DeviceCheck.run(kiosk.triggers, system: system, accounts: accounts)
        let lastPlay = (try? store?.plays(limit: 1).last).flatMap { $0 }.map { Date(timeIntervalSince1970: $0.startedAt) }
        checks.append(ClockCheck.run(system: system, lastPlay: lastPlay))
        checks.append(ServiceCheck.run(system: system))
        checks.append(TourCheck.run(configuration, store: store))
        try? store?.close()
        return DoctorReport(checks: checks)
    }
}
