import {h, mount, percent, toast} from './dom.js';

/**
 * Doctor review: accept / reject / edit each AI finding with a comment, the report text (the
 * server compares it with the AI findings), and signing. Every action is audited by the server.
 */
export class ReviewPanel {
  constructor(root, api, onChanged) {
    this.root = root;
    this.api = api;
    this.onChanged = onChanged;
    this.detail = null;
    this.selection = null;
  }

  canWrite() { return this.api.can('write-report'); }
  canSign() { return this.api.can('sign-report'); }

  render(detail, selection) {
    this.detail = detail;
    this.selection = selection;
    const {study, findings} = detail;
    const signed = study.state === 'signed';
    const writable = this.canWrite() && !signed;
    const comments = new Map();
    const findingCards = findings.map((f) => {
      const comment = h('textarea', {id: 'comment-' + f.id, placeholder: 'Comment (optional)',
                                     disabled: !writable, 'aria-label': 'Comment on ' + f.concept},
                        f.doctor_comment || '');
      comments.set(f.id, comment);
      const present = h('select', {id: 'edit-present-' + f.id, disabled: !writable,
                                   'aria-label': 'Doctor\'s reading'},
        h('option', {value: 'true', selected: f.doctor_present === true}, 'present'),
        h('option', {value: 'false', selected: f.doctor_present === false}, 'absent'));
      return h('article', {class: 'card' + (f.id === selection.findingId ? ' selected' : ''),
                           dataset: {findingId: f.id}},
        h('h3', {}, `${f.label || f.concept} — AI ${percent(f.probability)}`, ' ',
          h('span', {class: 'badge review-status'}, f.status)),
        comment,
        h('div', {class: 'row'},
          h('button', {type: 'button', class: 'ok', id: 'accept-' + f.id, disabled: !writable,
                       title: 'Accept the AI finding (A)',
                       onclick: () => this.review(f.id, 'accept')}, 'Accept'),
          h('button', {type: 'button', class: 'danger', id: 'reject-' + f.id, disabled: !writable,
                       title: 'Reject the AI finding (R)',
                       onclick: () => this.review(f.id, 'reject')}, 'Reject'),
          h('span', {class: 'sep'}), 'Edit:', present,
          h('button', {type: 'button', id: 'edit-' + f.id, disabled: !writable,
                       onclick: () => this.review(f.id, 'edit', present.value === 'true')}, 'Save')));
    });
    this.comments = comments;
    const reportText = h('textarea', {id: 'report-text', disabled: !writable,
                                      placeholder: 'Findings and impression', style: 'min-height:110px'},
                         study.report_text || '');
    const comparison = h('div', {id: 'report-comparison', class: 'muted'});
    const allReviewed = findings.every((f) => f.status !== 'proposed');
    const signButton = h('button', {type: 'button', class: 'primary', id: 'sign-button',
      disabled: !this.canSign() || signed || !allReviewed,
      title: !allReviewed ? 'Review every AI finding first' : 'Sign the report (S)',
      onclick: () => this.sign()}, signed ? 'Signed' : 'Sign report');
    mount(this.root,
      h('div', {class: 'row'}, 'State: ', h('strong', {id: 'study-state'}, study.state.replace('_', ' ')),
        signed ? h('span', {class: 'muted'}, ` by ${study.signed_by}`) : null),
      !this.canWrite() ? h('p', {class: 'warn'},
        `Your role (${this.api.user.role}) cannot review or sign.`) : null,
      findingCards.length ? findingCards : h('p', {class: 'muted'}, 'No AI findings to review.'),
      study.identified ? h('section', {class: 'card'},
        h('h3', {}, 'Report'), reportText,
        h('div', {class: 'row'},
          h('button', {type: 'button', id: 'report-save', disabled: !writable,
                       onclick: () => this.saveReport(reportText.value, comparison)}, 'Save report text')),
        comparison) : null,
      h('div', {class: 'row'}, signButton,
        !allReviewed && !signed ? h('span', {class: 'muted'}, 'Review every finding to sign.') : null));
  }

  async review(findingId, action, present) {
    if (!this.canWrite() || !this.detail || this.detail.study.state === 'signed') return;
    const body = {action, comment: this.comments?.get(findingId)?.value || ''};
    if (action === 'edit') body.present = present;
    try {
      await this.api.post(`/api/findings/${findingId}/review`, body);
      toast(`Finding ${action === 'edit' ? 'edited' : action + 'ed'}`);
      await this.onChanged();
    } catch (e) {
      toast(e.message, true);
    }
  }

  async saveReport(text, target) {
    try {
      const out = await this.api.put(
        `/api/studies/${encodeURIComponent(this.detail.study.study_uid)}/report`, {text});
      toast('Report text saved');
      const rows = out.comparison && out.comparison.concepts ? out.comparison.concepts : null;
      target.textContent = rows ? rows.map((c) => `${c.concept}: text ${c.text_status}, ${c.verdict}` +
        (c.needs_review ? ' (needs review)' : '')).join(' · ') : '';
      await this.onChanged();
    } catch (e) {
      toast(e.message, true);
    }
  }

  /** Signing is the doctor's legal act: ask once, naming the study and the signer. */
  confirmSign() {
    return new Promise((resolve) => {
      let dialog = document.getElementById('sign-dialog');
      if (!dialog) {
        dialog = h('dialog', {id: 'sign-dialog', 'aria-labelledby': 'sign-dialog-title'});
        document.body.append(dialog);
      }
      const s = this.detail.study;
      const who = this.api.user.display_name || this.api.user.username;
      const ok = h('button', {type: 'button', class: 'primary', id: 'sign-confirm'}, 'Sign');
      const cancel = h('button', {type: 'button', id: 'sign-cancel'}, 'Cancel');
      mount(dialog,
        h('h2', {id: 'sign-dialog-title'}, 'Sign this report?'),
        h('p', {}, `${s.description || s.study_uid} — signed by ${who}. `,
          'After signing, findings and report text can no longer be changed.'),
        h('div', {class: 'row'}, ok, cancel));
      const done = (value) => { dialog.close(); resolve(value); };
      ok.onclick = () => done(true);
      cancel.onclick = () => done(false);
      dialog.oncancel = () => resolve(false);
      dialog.showModal();
      ok.focus();
    });
  }

  async sign() {
    if (!this.canSign() || !this.detail || this.detail.study.state === 'signed') return;
    if (!(await this.confirmSign())) return;
    try {
      await this.api.post(`/api/studies/${encodeURIComponent(this.detail.study.study_uid)}/sign`);
      toast('Report signed');
      await this.onChanged();
    } catch (e) {
      toast(e.message, true);
    }
  }

  /** Keyboard: accept / reject the selected finding. */
  reviewSelected(action) {
    if (this.selection && this.selection.findingId) this.review(this.selection.findingId, action);
  }
}
