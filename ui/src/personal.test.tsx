import { fireEvent, screen, waitFor } from "@testing-library/react";
import { SettingsPersonal } from "./components/SettingsPersonal";
import { callsTo, renderWithFake } from "./test/helpers";

test("saving sends the whole patch: paths one per line, from, and the SMTP account", async () => {
  const { fake } = renderWithFake(<SettingsPersonal />);
  const calendars = await screen.findByTestId("personal-calendars");
  fireEvent.change(calendars, { target: { value: "~/.calendars/home\n\n~/work.ics  " } });
  fireEvent.change(screen.getByTestId("personal-maildirs"), { target: { value: "~/Mail/a\n~/Mail/b" } });
  fireEvent.change(screen.getByTestId("personal-from"), { target: { value: "Ada <ada@x.org>" } });
  fireEvent.change(screen.getByTestId("smtp-host"), { target: { value: "mail.x.org" } });
  fireEvent.change(screen.getByTestId("smtp-port"), { target: { value: "465" } });
  fireEvent.change(screen.getByTestId("smtp-security"), { target: { value: "tls" } });
  fireEvent.click(screen.getByTestId("personal-save"));
  await waitFor(() =>
    expect(callsTo(fake, "set_personal_settings")).toEqual([
      {
        patch: {
          calendar_paths: ["~/.calendars/home", "~/work.ics"],
          timezone: "",
          maildirs: ["~/Mail/a", "~/Mail/b"],
          from: "Ada <ada@x.org>",
          smtp_host: "mail.x.org",
          smtp_port: 465,
          smtp_security: "tls",
          smtp_username: "ada",
        },
      },
    ]),
  );
  expect(await screen.findByText("Saved.")).toBeTruthy();
  expect(fake.personal.smtp.host).toBe("mail.x.org");
});

test("a bad port is refused before anything is sent", async () => {
  const { fake } = renderWithFake(<SettingsPersonal />);
  fireEvent.change(await screen.findByTestId("smtp-port"), { target: { value: "70000" } });
  fireEvent.click(screen.getByTestId("personal-save"));
  expect((await screen.findByRole("alert")).textContent).toContain("1 to 65535");
  expect(callsTo(fake, "set_personal_settings")).toEqual([]);
});

test("the SMTP password is sent once and never rendered back; Remove deletes it", async () => {
  const { fake, container } = renderWithFake(<SettingsPersonal />);
  expect((await screen.findByTestId("smtp-password-status")).textContent).toBe("Not set");
  fireEvent.click(screen.getByTestId("smtp-password-set"));
  fireEvent.change(screen.getByTestId("smtp-password-input"), { target: { value: "hunter2-secret" } });
  fireEvent.click(screen.getByTestId("smtp-password-save"));
  await waitFor(() => expect(screen.getByTestId("smtp-password-status").textContent).toBe("Stored in the keychain"));
  expect(callsTo(fake, "set_smtp_password")).toEqual([{ password: "hunter2-secret" }]);
  expect(container.innerHTML).not.toContain("hunter2-secret");
  expect(JSON.stringify(fake.personal)).not.toContain("hunter2-secret");

  vi.spyOn(window, "confirm").mockReturnValue(true);
  fireEvent.click(screen.getByTestId("smtp-password-delete"));
  await waitFor(() => expect(screen.getByTestId("smtp-password-status").textContent).toBe("Not set"));
  expect(callsTo(fake, "delete_smtp_password")).toHaveLength(1);
});

test("a keychain that cannot be asked is said so, and the rest of the section still works", async () => {
  renderWithFake(<SettingsPersonal />, {}, (f) => {
    f.personal = { ...f.personal, smtp: { ...f.personal.smtp, keychain_error: "the OS keychain is locked" } };
  });
  expect((await screen.findByRole("alert")).textContent).toBe("the OS keychain is locked");
  expect(screen.getByTestId("personal-save")).toBeTruthy();
});
