"""The questions the « Partenaires et équipes » dialog asks: delete a team that holds
firms, the team an adviser moves to, what becomes of a moving adviser's firms."""

from __future__ import annotations

from PySide6.QtWidgets import QInputDialog, QMessageBox, QWidget

from planner.services.task_force.edit import FIRMS_FOLLOW, FIRMS_STAY, FIRMS_UNASSIGN


def ask_unassign(parent: QWidget, what: str, firms: int) -> bool:
    """Ask before deleting a team (or partner) that holds firms; True to go on."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle("Supprimer")
    box.setText(f"{what} a {firms} entreprise(s) attribuée(s).")
    box.setInformativeText(
        "Elles seront retirées de l'équipe à l'enregistrement et redeviendront non "
        "attribuées ; la prochaine répartition automatique les redistribuera."
    )
    remove = box.addButton(
        "Retirer ces entreprises et supprimer", QMessageBox.ButtonRole.AcceptRole
    )
    box.addButton("Annuler", QMessageBox.ButtonRole.RejectRole)
    box.exec()
    return box.clickedButton() is remove


def choose_team(parent: QWidget, adviser: str, teams: list[str]) -> int | None:
    """Ask which team ``adviser`` moves to; the chosen row of ``teams``, or None."""
    label, ok = QInputDialog.getItem(
        parent,
        "Déplacer vers l'équipe",
        f"Équipe de destination de « {adviser} » :",
        teams,
        0,
        False,
    )
    return teams.index(label) if ok and label in teams else None


def ask_firms_on_move(parent: QWidget, adviser: str, firms: int, team: str) -> str | None:
    """Ask what becomes of a moving adviser's firms: one of the ``FIRMS_*`` or None (cancel)."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle("Déplacer le conseiller")
    box.setText(f"« {adviser} » a {firms} entreprise(s) attribuée(s).")
    box.setInformativeText(f"Que deviennent-elles avec son passage à l'équipe « {team} » ?")
    choices = {
        box.addButton(
            "Les garder (elles passent à la nouvelle équipe)", QMessageBox.ButtonRole.AcceptRole
        ): FIRMS_FOLLOW,
        box.addButton(
            "Les laisser à l'ancienne équipe", QMessageBox.ButtonRole.AcceptRole
        ): FIRMS_STAY,
        box.addButton(
            "Les retirer (non attribuées)", QMessageBox.ButtonRole.AcceptRole
        ): FIRMS_UNASSIGN,
    }
    box.addButton("Annuler", QMessageBox.ButtonRole.RejectRole)
    box.exec()
    clicked = box.clickedButton()
    return next((choice for button, choice in choices.items() if button is clicked), None)
